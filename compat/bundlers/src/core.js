// The same app with the core only: Parcel's default config reads package fields, not the
// exports map, so it cannot resolve a subpath such as rx-bearer/testing/marbles (see the README's FAQ).
import { createBearerAuth } from 'rx-bearer';

const auth = createBearerAuth({ tokenUrl: '/api/video-token', baseUrl: 'https://sandbox.api.video' });
auth.state$.subscribe((state) => (document.title = state.status));
window.rxBearerDemo = { auth };
