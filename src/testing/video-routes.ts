import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A route's answer: status, body text, extra headers. */
export type Answer = [number, string, Record<string, string>?];
/** A route behind the bearer token, called once the token checked out. */
export type ApiRoute = (req: IncomingMessage, body: Record<string, unknown>) => Answer;

/**
 * GET and POST /videos as api.video answers them: POST keeps the video (with
 * a `videoId`), GET lists them oldest first, one page at a time
 * (`currentPage` from 1, `pageSize` 25 by default, at most 100), with
 * api.video's `data` and `pagination`. Kept until the server closes.
 */
export function createVideoRoutes(): Record<'GET /videos' | 'POST /videos', ApiRoute> {
  const videos: Array<Record<string, unknown>> = [];
  const videoPage = (query: URLSearchParams) => {
    const pageSize = Math.min(100, Math.max(1, Math.trunc(Number(query.get('pageSize') ?? 25)) || 25));
    const pagesTotal = Math.max(1, Math.ceil(videos.length / pageSize));
    const currentPage = Math.max(1, Math.trunc(Number(query.get('currentPage') ?? 1)) || 1);
    const data = videos.slice((currentPage - 1) * pageSize, currentPage * pageSize);
    const uri = (page: number) => `/videos?currentPage=${page}&pageSize=${pageSize}`;
    const links = [
      { rel: 'self', uri: uri(currentPage) },
      { rel: 'first', uri: uri(1) },
      ...(currentPage > 1 ? [{ rel: 'previous', uri: uri(Math.min(currentPage - 1, pagesTotal)) }] : []),
      ...(currentPage < pagesTotal ? [{ rel: 'next', uri: uri(currentPage + 1) }] : []),
      { rel: 'last', uri: uri(pagesTotal) },
    ];
    return { data, pagination: { currentPage, currentPageItems: data.length, pageSize, pagesTotal, itemsTotal: videos.length, links } };
  };
  return {
    'GET /videos': (req) => [200, JSON.stringify(videoPage(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams))],
    'POST /videos': (_req, body) => {
      const video = { title: '', ...body, videoId: `vi${randomUUID().replace(/-/g, '').slice(0, 20)}` };
      videos.push(video);
      return [201, JSON.stringify(video)];
    },
  };
}
