// The contenders, each behind one small adapter with get(path). Adapters add
// no token logic beyond each library's documented setup.
import { axiosAuthRefresh } from './axios-auth-refresh.js';
import { handWritten } from './hand-written.js';
import { rxBearer } from './rx-bearer.js';
import { rxjsFloor, staticToken, staticTokenWithSignal } from './static-token.js';

export type { Adapter, Contender } from './adapter.js';
export { axiosAuthRefresh, handWritten, rxBearer, rxjsFloor, staticToken, staticTokenWithSignal };
export const contenders = [rxBearer, staticToken, handWritten, axiosAuthRefresh];
