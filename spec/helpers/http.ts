import { firstValueFrom, type Observable } from 'rxjs';

/** Settles every observable's first value, counting failures instead of stopping at the first. */
export async function settleAll<T>(requests: Array<Observable<T>>) {
  const results = await Promise.allSettled(requests.map((request) => firstValueFrom(request)));
  const failed = results.filter((result) => result.status === 'rejected');
  return { ok: results.length - failed.length, failed: failed.length, reasons: failed.map((result) => (result as PromiseRejectedResult).reason as unknown) };
}

/** Polls `condition` every 10 ms for at most `ms`; loops are bounded in count and time. */
export async function eventually(condition: () => boolean, ms = 2000): Promise<boolean> {
  for (let waited = 0; waited < ms && !condition(); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}
