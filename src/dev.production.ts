/** The browser production build's twin of dev.ts (see there): short messages, no option type checks. */
export const DEV: boolean = false;
