/** When a session is due for refresh: `refreshLeadTime` before expiry, but never before half its lifetime. One rule for the engine and the stores. */
export const refreshTime = ({ issuedAt, expiresAt }: { issuedAt: number; expiresAt: number }, refreshLeadTime: number): number =>
  expiresAt - Math.min(refreshLeadTime, (expiresAt - issuedAt) / 2);
