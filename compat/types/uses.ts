// Every subpath, used the way an app uses it (bundler resolution).
import { createBearerAuth, FetchUnavailableError, isRxBearerError, type BearerAuth } from 'rx-bearer';
import { bearerInterceptor, injectBearerAuth, provideBearerAuth } from 'rx-bearer/angular';
import { createApiVideoTestServer } from 'rx-bearer/testing';
import { createMarbleTransport, tokenResponse } from 'rx-bearer/testing/marbles';

export const auth: BearerAuth = createBearerAuth({ apiKey: 'k' });
export const used = [FetchUnavailableError, isRxBearerError, bearerInterceptor, injectBearerAuth, provideBearerAuth, createApiVideoTestServer, createMarbleTransport, tokenResponse];
