// A browser app's entry: the core and the node-free marble helpers.
import { createBearerAuth } from 'rx-bearer';
import { tokenResponse } from 'rx-bearer/testing/marbles';

const auth = createBearerAuth({ apiKey: 'browser-key', baseUrl: 'https://sandbox.api.video' });
auth.state$.subscribe((state) => (document.title = state.status));
window.rxBearerDemo = { auth, tokenResponse };
