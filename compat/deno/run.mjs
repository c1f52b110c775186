// A Deno user's script against the packed rx-bearer; see ../runtime-check.mjs.
import { createBearerAuth } from 'rx-bearer';
import { firstValueFrom } from 'rxjs';
import { check } from '../runtime-check.mjs';

await check('deno', { createBearerAuth, firstValueFrom, entry: import.meta.resolve('rx-bearer') });
