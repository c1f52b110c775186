// A browser app's entry: the core and the node-free marble helpers.
import { createBearerAuth } from 'rx-bearer';
import { tokenResponse } from 'rx-bearer/testing/marbles';

// The API key stays on the server: the page asks the app's token endpoint (rx-bearer/server).
const auth = createBearerAuth({ tokenUrl: '/api/video-token', baseUrl: 'https://sandbox.api.video' });
auth.state$.subscribe((state) => (document.title = state.status));
window.rxBearerDemo = { auth, tokenResponse };
