// main.js: npx esbuild main.js --bundle --format=esm --outfile=bundle.js (Vite and webpack work too)
import { createBearerAuth } from 'rx-bearer';

// The token comes from your server's /api/video-token (see "The server half" below); the API key stays there.
const auth = createBearerAuth({ tokenUrl: '/api/video-token', baseUrl: 'https://sandbox.api.video' });
const show = (id, text) => (document.getElementById(id).textContent = text);

auth.state$.subscribe((state) => show('status', state.status));
auth.json('/videos').subscribe({
  next: (page) => show('videos', `${page.data.length} videos`),
  error: (error) => show('videos', error.message),
});
