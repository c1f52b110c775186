import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createBearerAuth, createHttpTransport, isRxBearerError, type AuthError, type AuthTransport, type TokenResponse } from 'rx-bearer';
import { firstValueFrom, tap } from 'rxjs';
import { isSendableToken } from '../header-token.js';
import { parseCliArgs, type CliArgs } from './args.js';
import { withNetworkCause } from './network-cause.js';
import { printable, printableJson } from './printable.js';
import { CliError, EXIT, HELP } from './usage.js';
import { watch } from './watch.js';

// dist/cli.mjs sits one folder below package.json.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

// A shell user waits: fail within a few seconds rather than the library's patient defaults.
const retry = { maxAttempts: 3, initialDelay: 200, maxDelay: 2000 };

async function apiKeyOf(args: CliArgs): Promise<string> {
  if (args.apiKeyFile) {
    const text = await readFile(args.apiKeyFile, 'utf8').catch(() => {
      throw new CliError(`cannot read the API key file ${args.apiKeyFile}`, EXIT.usage);
    });
    if (text.trim() === '') throw new CliError(`the API key file ${args.apiKeyFile} is empty`, EXIT.usage);
    return text.trim();
  }
  const fromEnv = process.env['APIVIDEO_API_KEY']?.trim();
  if (!fromEnv) throw new CliError('no API key: set APIVIDEO_API_KEY or pass --api-key-file PATH', EXIT.usage);
  return fromEnv;
}

/** Runs a factory that checks --base-url: a bad one is a usage error that says what the CLI accepts. */
function checkingBaseUrl<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes('allowInsecureHttp')) {
      throw new CliError('--base-url must be https, or http on localhost, 127.0.0.1 or [::1]; pass --allow-insecure-http to send the API key and tokens over plain http elsewhere', EXIT.usage);
    }
    throw new CliError(message.replace('"baseUrl" option', '--base-url'), EXIT.usage);
  }
}

/** Creates the client. */
const connect = (args: CliArgs, apiKey: string, transport?: AuthTransport) =>
  checkingBaseUrl(() => createBearerAuth({ apiKey, baseUrl: args.baseUrl, retry, allowInsecureHttp: args.allowInsecureHttp, ...(transport ? { transport } : {}) }));

async function token(args: CliArgs, apiKey: string): Promise<void> {
  // The library keeps refresh tokens to itself; --json needs the raw response, so the transport hands it over.
  let response: TokenResponse | undefined;
  const http = checkingBaseUrl(() => createHttpTransport({ baseUrl: args.baseUrl, allowInsecureHttp: args.allowInsecureHttp }));
  const transport: AuthTransport = {
    login: (key) => http.login(key).pipe(tap((answer) => (response = answer))),
    refresh: (refreshToken) => http.refresh(refreshToken).pipe(tap((answer) => (response = answer))),
  };
  const auth = connect(args, apiKey, transport);
  try {
    const accessToken = await firstValueFrom(auth.refresh());
    // The library refuses such a token already; printed, it would be the header line `curl -H "…$(rx-bearer token)"` sends.
    if (!isSendableToken(accessToken) || accessToken.includes(apiKey)) throw new CliError('the server answered with an access token that cannot be used; nothing printed', EXIT.unavailable);
    if (!args.json) return void process.stdout.write(`${accessToken}\n`);
    const { expiresAt } = await firstValueFrom(auth.state$);
    // The fields of a token response, and no other: a server that echoes the request would have the key printed.
    const { token_type, expires_in, refresh_token } = response!;
    const output = { token_type, expires_in, access_token: accessToken, ...(args.includeRefreshToken ? { refresh_token } : {}), expires_at: new Date(expiresAt!).toISOString() };
    const json = printableJson(output, 2);
    if (json.includes(apiKey)) throw new CliError('the token response holds the API key; nothing printed', EXIT.unavailable);
    process.stdout.write(`${json}\n`);
  } finally {
    auth.dispose();
  }
}

async function request(args: CliArgs, apiKey: string): Promise<void> {
  const auth = connect(args, apiKey);
  const method = args.method ?? (args.data === undefined ? 'GET' : 'POST');
  const body = args.data === undefined ? {} : { body: args.data, headers: { 'content-type': 'application/json' } };
  try {
    const response = await firstValueFrom(auth.fetch(args.path!, { method, ...body }));
    const text = printable(await response.text(), { lines: true });
    process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    if (!response.ok) throw new CliError(`HTTP ${response.status} ${response.statusText} from ${response.url}`.trim(), EXIT.httpError);
  } finally {
    auth.dispose();
  }
}

/** One line for any failure, and the exit code that goes with it. */
function describe(error: unknown): [string, number] {
  if (error instanceof CliError) return [error.message, error.exitCode];
  // A network failure names its cause (DNS, refused, TLS...), which fetch keeps down the cause chain.
  const withCause = (message: string) => withNetworkCause(message, error);
  if (isRxBearerError(error, 'ERR_AUTH')) {
    const { reason, message } = error as AuthError;
    return [withCause(message), reason === 'rejected' ? EXIT.rejected : EXIT.unavailable];
  }
  if (isRxBearerError(error)) return [withCause(error.message), EXIT.unavailable];
  return [`unexpected failure: ${(error as Error)?.message ?? String(error)}`, EXIT.failure];
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') return void process.stdout.write(HELP), EXIT.ok;
    if (args.command === 'usage') return void process.stderr.write(HELP), EXIT.usage;
    if (args.command === 'version') return void process.stdout.write(`${version}\n`), EXIT.ok;
    const apiKey = await apiKeyOf(args);
    if (args.command === 'token') await token(args, apiKey);
    else if (args.command === 'request') await request(args, apiKey);
    else return await watch(connect(args, apiKey), args.showToken);
    return EXIT.ok;
  } catch (error) {
    const [message, code] = describe(error);
    process.stderr.write(`rx-bearer: ${printable(message)}\n`);
    return code;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
