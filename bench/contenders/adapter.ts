// What every contender's adapter offers, so that scenarios treat them alike.
export interface Adapter {
  get(path: string): Promise<{ ok: boolean; status: number }>;
  dispose(): void;
}
export interface ContenderOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}
export type Contender = { name: string; create(options: ContenderOptions): Adapter };

export interface Tokens {
  access_token: string;
  refresh_token: string;
}
export const post = (fetchImpl: typeof fetch, url: string, body: object) =>
  fetchImpl(url, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
