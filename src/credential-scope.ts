/**
 * The one place that decides where a credential may go: which URLs get the
 * bearer token, which are the auth routes (where only the API key or the
 * refresh token goes, never the bearer), and whether a redirect hop keeps
 * credentials. The core helpers, the redirect follower, the auth transport
 * and rx-bearer/angular all ask this module; none keeps a copy of the rule.
 */
import { DEV } from './dev.js';
import { invalidOption } from './option-error.js';

/** api.video's auth routes, relative to baseUrl. Spelled here and nowhere else. */
const AUTH_PATHS = { login: '/auth/api-key', refresh: '/auth/refresh' } as const;
export type AuthRoute = keyof typeof AUTH_PATHS;

/** A URL resolved once, with what the rule needs of it. */
export interface Target {
  readonly href: string;
  readonly origin: string;
  /** The path as the server will see it, for the auth-route check. */
  readonly pathname: string;
}

/** Where this client's credentials may go. Every answer is computed from the options given to createBearerAuth. */
export interface CredentialScope {
  /** baseUrl, without a trailing slash. */
  readonly baseUrl: string;
  /** The origins that may receive the token: baseUrl's, then allowedOrigins. */
  readonly origins: ReadonlySet<string>;
  /** The absolute URL of an auth route. */
  authUrl(route: AuthRoute): string;
  /** The app's own token endpoint (the `tokenUrl` option), absolute; null without one. An auth route: it never gets the bearer. */
  readonly tokenUrl: string | null;
  /**
   * Whether the page's cookies go with the calls to tokenUrl: 'same-origin'
   * (only to a tokenUrl on the page's own origin), or 'include' (to a tokenUrl
   * on another origin too) when the `tokenUrlCredentials` option asks for it.
   */
  readonly tokenUrlCredentials: 'same-origin' | 'include';
  /**
   * Resolves a URL as fetch would, once: relative URLs against `base`
   * (baseUrl when undefined; Angular passes the document's base URI; null:
   * absolute URLs only). Null when it does not parse. A URL with a user name
   * or password resolves to the opaque origin 'null': it never gets the token.
   */
  resolve(url: string | URL, base?: string | null): Target | null;
  /** Whether a request to `url` may carry the bearer token: http(s), an origin in scope, not an auth route. Unparseable: no. */
  allowsToken(url: string | URL | Target, base?: string | null): boolean;
  /** Whether `url` is one of baseUrl's auth routes, however a server on the way may spell it (see canonicalPath: %-escapes, double ones, overlong UTF-8, a decoded '?', dots, slashes, case). */
  isAuthRoute(url: string | URL | Target): boolean;
  /** Whether a redirect from `from` to `to` keeps credentials (Authorization, Cookie, Proxy-Authorization): only within one origin. */
  keepsCredentials(from: Target, to: Target): boolean;
}

/** The `credentials` mode of the calls to tokenUrl. */
type TokenUrlCredentials = CredentialScope['tokenUrlCredentials'];

export interface ScopeOptions {
  baseUrl: string;
  allowedOrigins?: readonly string[] | undefined;
  allowInsecureHttp?: boolean | undefined;
  /** The app's token endpoint; a relative one is resolved against the page (document.baseURI). */
  tokenUrl?: string | undefined;
  /** Send the page's cookies to a tokenUrl on another origin ('include'); 'same-origin' by default, and required to be said for such a tokenUrl. */
  tokenUrlCredentials?: TokenUrlCredentials | undefined;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
const isHttp = (protocol: string) => protocol === 'https:' || protocol === 'http:';


/** Parses an option's URL; its value is never echoed (it may hold a password). https unless loopback or allowInsecureHttp: the one rule, for every URL a credential goes to. */
export function parseOption(option: string, value: unknown, allowInsecureHttp: boolean, against?: string): URL {
  let url: URL;
  try {
    url = new URL(value as string, against);
  } catch {
    return invalidOption(option, DEV && 'an absolute http(s) URL');
  }
  if (typeof value !== 'string' || !isHttp(url.protocol)) invalidOption(option, DEV && (against ? 'an http(s) URL' : 'an absolute http(s) URL'));
  if (url.username !== '' || url.password !== '') invalidOption(option, DEV && 'a URL without a user name or password (credentials in a URL end up in logs and error messages)');
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname) && !allowInsecureHttp) {
    invalidOption(option, DEV ? 'https (the token would travel in clear over http; set allowInsecureHttp: true to accept that)' : 'https');
  }
  return url;
}

/**
 * One round of %-decoding as the most lenient server does it. Overlong UTF-8
 * (`%c0%ae`, `%e0%80%ae` for '.': invalid, refused by decodeURIComponent)
 * becomes the ASCII it spells, as lenient decoders (old IIS, Tomcat, some
 * Java and PHP stacks) make it; a malformed escape stays as it is.
 */
const decodeOnce = (path: string): string =>
  path
    .replace(/%(?:c[01]|e0%8[01])%[89ab][0-9a-f]/gi, (m) => String.fromCharCode(((parseInt(m.slice(-5, -3), 16) & 1) << 6) | (parseInt(m.slice(-2), 16) & 63)))
    .replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run; // not UTF-8: compared as it is
      }
    });

/**
 * A path compared as the most lenient server on the way compares it, so
 * that no spelling some server still routes to an auth handler gets the
 * bearer (a false match only keeps the token home):
 * - %-escapes decoded 4 rounds deep, overlong UTF-8 included: a proxy
 *   decodes once (nginx passes a decoded path to `proxy_pass` with a URI)
 *   and the app again, so `%252f` ends as '/';
 * - cut at a decoded '?' or '#': a server that decodes before it splits off
 *   the query (nginx's `$uri` put back into a URL) reads `%3F` as one;
 * - '\\' as '/' (IIS), case folded, ';' path parameters dropped
 *   (servlets), repeated slashes merged (nginx), dot segments resolved, and
 *   trailing dots, spaces and NULs of a segment dropped (IIS, some proxies);
 *   no trailing slash.
 */
function canonicalPath(pathname: string): string {
  let path = pathname;
  for (let round = 0; round < 4; round++) path = decodeOnce(path);
  const segments: string[] = [];
  for (const segment of path.split(/[?#]/, 1)[0]!.replace(/\\/g, '/').toLowerCase().replace(/;[^/]*/g, '').split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment); // '' : repeated slashes merge first (nginx)
  }
  return `/${segments.join('/')}`.replace(/[.\s\0]+(?=\/|$)/g, '').replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}

/** Where a relative URL of a page resolves: the document's base URI, else the location; none outside a page. */
const pageBase = (): string | undefined => {
  const page = globalThis as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = page.document?.baseURI ?? page.location?.href;
  return typeof base === 'string' ? base : undefined;
};

/**
 * Where the page's cookies go: to tokenUrl on the page's origin always
 * ('same-origin', as fetch does by default), to another origin only when the
 * option says 'include'. A tokenUrl on another origin must say which: with
 * 'same-origin' no cookie reaches it, so its session check fails (a 401 that
 * would read as a refusal), and sending the cookies there is a choice to make,
 * not a default (its server must also answer CORS for this page's origin).
 * The page's origin is the location's, which fetch's 'same-origin' compares
 * with, not the base URI's (a `<base href>` elsewhere moves a relative
 * tokenUrl, not where the cookies may go).
 */
function tokenCredentials(token: URL | null, option: TokenUrlCredentials | undefined): TokenUrlCredentials {
  // Outside a page there is no location: nothing to compare, the default stands. A guard against a mistake, not a
  // security check (without the option no cookie leaves the page's origin): development build only, as the type
  // checks below, which keeps the production core within its byte budget (this check costs it 33 B min+gzip).
  if (DEV && option === undefined && token && token.origin !== ((globalThis as { location?: { origin?: string } }).location?.origin ?? token.origin)) {
    invalidOption(
      'tokenUrlCredentials',
      "given for a tokenUrl on another origin than the page's: 'include' sends the page's cookies there (its server must list this page's origin in corsOrigins), 'same-origin' sends none",
    );
  }
  // Type checks that TypeScript makes at compile time, development build only: any other value sends no cookie anyway.
  if (DEV && option !== undefined) {
    if (token === null) invalidOption('tokenUrlCredentials', 'given with "tokenUrl" only');
    if (option !== 'same-origin' && option !== 'include') invalidOption('tokenUrlCredentials', "'same-origin' or 'include'");
  }
  return option ?? 'same-origin';
}

/** Validates the options that say where credentials go, once, and answers every later question about them. */
export function credentialScope({ baseUrl, allowedOrigins = [], allowInsecureHttp = false, tokenUrl, tokenUrlCredentials }: ScopeOptions): CredentialScope {
  const base = parseOption('baseUrl', baseUrl, allowInsecureHttp);
  if (base.search !== '' || base.hash !== '') invalidOption('baseUrl', DEV && 'a URL without a query or fragment');
  if (!Array.isArray(allowedOrigins)) invalidOption('allowedOrigins', DEV && 'an array of origins');
  const allowed = allowedOrigins.map((entry) => {
    const url = parseOption('allowedOrigins', entry, allowInsecureHttp);
    // An entry is an origin; a path would suggest a narrower scope than the one applied.
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') invalidOption('allowedOrigins', DEV && "a list of origins such as 'https://cdn.example.com' (no path)");
    return url.origin;
  });
  // The token endpoint: where the page's session cookie goes, never the bearer; a query would be lost in the comparison, so none.
  // On the page's own origin it is as safe as the page itself (an http page during development); elsewhere, https.
  const page = pageBase();
  const samePage = (() => {
    try {
      return page !== undefined && new URL(tokenUrl as string, page).origin === new URL(page).origin;
    } catch {
      return false;
    }
  })();
  const token = tokenUrl === undefined ? null : parseOption('tokenUrl', tokenUrl, allowInsecureHttp || samePage, page);
  if (token && (token.search !== '' || token.hash !== '')) invalidOption('tokenUrl', DEV && 'a URL without a query or fragment');
  const cookies = tokenCredentials(token, tokenUrlCredentials);
  const root = base.href.replace(/\/+$/, '');
  const resolveAgainst = `${root}/`;
  const origins: ReadonlySet<string> = new Set([base.origin, ...allowed]);
  const authPaths = new Set(Object.values(AUTH_PATHS).map((path) => canonicalPath(base.pathname.replace(/\/+$/, '') + path)));
  // '/videos?page=2' on a path-less baseUrl is just appended: no URL parse on the
  // hot path. Only plain path characters qualify ('//', '/\', '%', '.' and
  // whitespace change what a parser makes of it, so those are parsed).
  const plainPath = root === base.origin ? /^\/[\w\-~!$&'()*+,;=:@/]*(?:\?[^#\s\\]*)?$/ : null;

  const resolve = (url: string | URL, against: string | null | undefined = resolveAgainst): Target | null => {
    if (typeof url === 'string' && against === resolveAgainst && plainPath?.test(url) && url[1] !== '/') {
      const query = url.indexOf('?');
      return { href: root + url, origin: base.origin, pathname: query === -1 ? url : url.slice(0, query) };
    }
    try {
      const { href, origin, pathname, protocol, username, password } = new URL(url, against ?? undefined);
      return { href, origin: isHttp(protocol) && username === '' && password === '' ? origin : 'null', pathname };
    } catch {
      return null;
    }
  };
  const toTarget = (url: string | URL | Target, against?: string | null): Target | null =>
    typeof url === 'string' || url instanceof URL ? resolve(url, against) : url;
  const isAuthRoute = (url: string | URL | Target): boolean => {
    const target = toTarget(url);
    if (target === null) return false;
    if (token && target.origin === token.origin && canonicalPath(target.pathname) === canonicalPath(token.pathname)) return true;
    if (target.origin !== base.origin) return false;
    // Folding only removes characters at a segment's end, so without an escape a path that does not spell
    // "auth" cannot fold into an auth route: the common request skips it.
    if (!/%|\\|auth/i.test(target.pathname)) return false;
    return authPaths.has(canonicalPath(target.pathname));
  };
  /**
   * allowsToken's answers by target: the request path resolves each URL
   * string once and asks again with the same frozen Target (see
   * request-input), and the answer depends on nothing else.
   */
  const verdicts = new WeakMap<Target, boolean>();
  const allowsTarget = (target: Target): boolean => {
    let verdict = verdicts.get(target);
    if (verdict === undefined) {
      verdict = origins.has(target.origin) && !isAuthRoute(target);
      if (Object.isFrozen(target)) verdicts.set(target, verdict);
    }
    return verdict;
  };

  // Frozen, and the origins handed out as a copy: nobody widens the scope after creation.
  return Object.freeze<CredentialScope>({
    baseUrl: root,
    get origins(): ReadonlySet<string> {
      return new Set(origins);
    },
    authUrl: (route) => root + AUTH_PATHS[route],
    tokenUrl: token?.href ?? null,
    tokenUrlCredentials: cookies,
    resolve,
    allowsToken(url, against) {
      const target = toTarget(url, against);
      return target !== null && allowsTarget(target);
    },
    isAuthRoute,
    keepsCredentials: (from, to) => from.origin === to.origin && to.origin !== 'null',
  });
}
