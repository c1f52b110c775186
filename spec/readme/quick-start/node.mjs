// videos.mjs: APIVIDEO_API_KEY=your-sandbox-key node videos.mjs
import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';

const auth = createBearerAuth({
  apiKey: process.env.APIVIDEO_API_KEY,
  baseUrl: process.env.APIVIDEO_BASE_URL ?? 'https://sandbox.api.video',
});
auth.state$.subscribe((state) => console.log('state:', state.status));

try {
  const page = await firstValueFrom(auth.json('/videos'));
  console.log(`${page.data.length} videos`, page.data.map((video) => video.title));
} catch (error) {
  console.error(error.message); // AuthError, HttpError, NetworkError: see Errors
  process.exitCode = 1;
} finally {
  auth.dispose(); // stops the refresh timer, so that the process can exit
}
