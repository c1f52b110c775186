// The README's Next.js route handler; lib/ holds the README's token-handler.mjs, copied by run.mjs.
import { tokenHandler } from '../../../lib/token-handler.mjs';

export const POST = (request) => tokenHandler(request);
