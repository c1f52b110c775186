/** Exit codes, stable for scripts; listed in --help. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejected: 3,
  unavailable: 4,
  httpError: 5,
} as const;

export const HELP = `rx-bearer: api.video bearer tokens for the shell

Usage:
  rx-bearer token [--json [--include-refresh-token]]   print an access token
  rx-bearer watch [--show-token]                      stay running; one JSON line per token and state change
  rx-bearer request PATH [--method M] [--data JSON]    call the API once, print the body
  rx-bearer help                                      this help (also -h, --help)

The API key comes from the APIVIDEO_API_KEY environment variable, or from
--api-key-file PATH. There is no --api-key flag: it would end up in your shell
history and in ps.

Options:
  --base-url URL           API root (default https://ws.api.video)
  --sandbox                use https://sandbox.api.video
  --allow-insecure-http    accept a plain-http --base-url that is not localhost,
                           127.0.0.1 or [::1] (the key and tokens travel in clear)
  --api-key-file PATH      read the API key from this file
  --json                   token: print the token response as JSON, with expires_at
  --include-refresh-token  token --json: include the refresh token
  --show-token             watch: include the access token in each line
  --method M, --data JSON  request: HTTP method (default GET, or POST with --data) and JSON body
  -h, --help               this help
  -v, --version            the version

Example (inside a project that has rx-bearer installed; --no: npx never fetches it from the registry):
  curl -H "Authorization: Bearer $(npx --no rx-bearer token)" https://ws.api.video/videos

Exit codes:
  0  success
  1  unexpected failure
  2  usage: no command, bad command or flag, missing or unreadable API key
  3  the API key was rejected
  4  the auth server is unreachable or failing (network, timeout, 5xx, 429, bad answers)
  5  request: the API answered with a non-2xx status
`;

/** An error that ends the CLI with a given exit code and one line on stderr. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}
