import { parseArgs } from 'node:util';
import { CliError, EXIT } from './usage.js';

export interface CliArgs {
  /** 'usage': no command given; the help goes to stderr with the usage exit code. */
  command: 'token' | 'watch' | 'request' | 'help' | 'usage' | 'version';
  path?: string;
  baseUrl: string;
  allowInsecureHttp: boolean;
  apiKeyFile?: string;
  json: boolean;
  includeRefreshToken: boolean;
  showToken: boolean;
  method?: string;
  data?: string;
}

const options = {
  'base-url': { type: 'string' },
  sandbox: { type: 'boolean', default: false },
  'allow-insecure-http': { type: 'boolean', default: false },
  'api-key-file': { type: 'string' },
  json: { type: 'boolean', default: false },
  'include-refresh-token': { type: 'boolean', default: false },
  'show-token': { type: 'boolean', default: false },
  method: { type: 'string' },
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

/** Parses argv; anything unknown or misplaced is a CliError with the usage exit code. */
export function parseCliArgs(argv: string[]): CliArgs {
  if (argv.some((arg) => arg === '--api-key' || arg.startsWith('--api-key='))) {
    throw new CliError('--api-key is not accepted (it would land in shell history and ps): set APIVIDEO_API_KEY or use --api-key-file', EXIT.usage);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${firstSentence((error as Error).message)} (see rx-bearer --help)`, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const [command = 'usage', path, ...extra] = positionals;
  if (values.help) return { ...defaults(values), command: 'help' };
  if (values.version) return { ...defaults(values), command: 'version' };
  if (!['token', 'watch', 'request', 'help', 'usage'].includes(command)) throw new CliError(`unknown command "${command}" (see rx-bearer --help)`, EXIT.usage);
  if (command === 'request' && !path) throw new CliError('request needs a PATH, e.g. rx-bearer request /videos', EXIT.usage);
  if (extra.length > 0 || (command !== 'request' && path !== undefined)) throw new CliError(`unexpected argument "${extra[0] ?? path}"`, EXIT.usage);
  if (values.sandbox && values['base-url']) throw new CliError('--sandbox and --base-url cannot be used together', EXIT.usage);
  if (values.data !== undefined) {
    try {
      JSON.parse(values.data);
    } catch {
      throw new CliError('--data must be valid JSON', EXIT.usage);
    }
  }
  return { ...defaults(values), command: command as CliArgs['command'], ...(path ? { path } : {}) };
}

/**
 * node:util's parse errors go on with advice on '--' whose quotes do not
 * balance on one line ("as in '-- "--x"'): keep the first sentence.
 */
const firstSentence = (message: string) => message.split('\n')[0]!.replace(/\. .*$/, '');

function defaults(values: Record<string, string | boolean | undefined>): Omit<CliArgs, 'command'> {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  return {
    baseUrl: values['sandbox'] ? 'https://sandbox.api.video' : (str('base-url') ?? 'https://ws.api.video'),
    allowInsecureHttp: values['allow-insecure-http'] === true,
    ...(str('api-key-file') ? { apiKeyFile: str('api-key-file') } : {}),
    json: values['json'] === true,
    includeRefreshToken: values['include-refresh-token'] === true,
    showToken: values['show-token'] === true,
    ...(str('method') ? { method: str('method')!.toUpperCase() } : {}),
    ...(str('data') !== undefined ? { data: str('data') } : {}),
  };
}
