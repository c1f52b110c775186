/**
 * The browser build's redirects: browsers drop the Authorization header on a
 * cross-origin redirect themselves (the Fetch standard), so fetch follows
 * and none of the Node build's hop-by-hop logic is shipped.
 */
export const MAX_REDIRECTS = 20;
export const followsRedirectsItself = false;
export const nextHop = (): undefined => undefined;
