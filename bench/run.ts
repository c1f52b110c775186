// npm run bench [-- --quick] [-- --json FILE]: rx-bearer side by side with what
// users would otherwise pick, against the project's api.video-compatible server
// on 127.0.0.1 (in this process, except for S5's timings: there it runs in a
// child process). Prints Markdown tables, each figure beside its target, misses
// marked, each table headed with the Node version it ran on; every JSON record
// carries that version too. Timed comparisons rotate the contenders' order.
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { Agent, setGlobalDispatcher } from 'undici';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { contenders, rxBearer, rxjsFloor, staticToken, staticTokenWithSignal } from './contenders/index.js';
import { coldStartRotated, expiry, memory, outage, revocation } from './scenarios.js';
import { costRatio, inProcess, overhead, TRIM } from './overhead.js';
import { coreSize, sizes } from './size.js';
import { fleet } from './fleet.js';
import { scaleSeries } from './scale.js';

// Every contender gets the same bounded connection pool: fetch (undici's global
// dispatcher) and axios (node:http's global agent) alike, 128 sockets per host.
// Unbounded, 10,000 concurrent requests open 10,000 sockets each side and the
// run spends its time in the kernel rather than in the libraries.
setGlobalDispatcher(new Agent({ connections: 128 }));
http.globalAgent.maxSockets = 128;

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
const quick = values.quick ?? false;
const raw: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, quick };
const out: string[] = [];
const print = (line = '') => (out.push(line), console.log(line));
const mark = (ok: boolean) => (ok ? '✓' : '✗ miss');
/** Every JSON record names the Node version it ran on, so records from several runs can be pooled. */
const record = <T extends object>(figures: T) => ({ node: process.version, ...figures });
const table = (head: string[], rows: Array<Array<string | number>>) => {
  print(`| ${head.join(' | ')} |`);
  print(`| ${head.map(() => '---').join(' | ')} |`);
  rows.forEach((row) => print(`| ${row.join(' | ')} |`));
  print();
};

print(`# rx-bearer benchmark${quick ? ' (quick)' : ''}\n\n${raw['date']} · Node ${process.version} · ${raw['cpu']} · ${cpus().length} cores · 128 sockets per host for every contender\n`);

const s1Rounds = quick ? contenders.length : 2 * contenders.length;
print(`## S1 cold start: N concurrent requests on a fresh client, ${s1Rounds} rounds in rotated order · Node ${process.version}\n`);
await coldStartRotated(contenders, 100, 1); // warm-up round, not reported: the process's first cold starts warm the server, undici and the JIT for all
const s1 = [];
for (const n of quick ? [100, 1000] : [100, 1000, 10_000]) s1.push(...(await coldStartRotated(contenders, n, n > 1000 ? contenders.length : s1Rounds)));
raw['s1'] = s1.map(record);
const spread = ({ min, max }: { min: number; max: number }) => (min === max ? `${min}` : `${min}–${max}`);
table(['contender', 'N', 'logins', 'refreshes', 'failed (worst round)', 'median wall ms', 'wall ms per round', 'target: 1 login, 0 failed, every round'],
  s1.map((r) => [r.contender, r.n, spread(r.logins), spread(r.refreshes), r.maxFailed, r.medianMs, r.ms.join(', '),
    r.contender === rxBearer.name ? mark(r.logins.max === 1 && r.logins.min === 1 && r.refreshes.max === 0 && r.maxFailed === 0) : '']));
print('Each round runs every contender once, the order rotated by one each round, so every contender goes first equally often; a warm-up round runs before. Counts show their range over the rounds.\n');

print(`## S2 expiry: 1.5 s tokens, 25 requests/s open loop for ${quick ? 2 : 5} s · Node ${process.version}\n`);
const s2 = [];
for (const contender of contenders) s2.push({ contender: contender.name, ...(await expiry(contender, 25, quick ? 2 : 5)) });
raw['s2'] = s2.map(record);
table(['contender', '401s on the wire', 'logins', 'refreshes', 'failed', 'target: 0 401s, 0 failed'],
  s2.map((r) => [r.contender, r.unauthorized, r.logins, r.refreshes, r.failed, r.contender === rxBearer.name ? mark(r.unauthorized === 0 && r.failed === 0) : '']));

print(`## S3 revocation storm: warm client, every token revoked, then N concurrent requests · Node ${process.version}\n`);
const s3 = [];
for (const n of [50, 1000]) for (const contender of contenders) s3.push({ contender: contender.name, n, ...(await revocation(contender, n)) });
raw['s3'] = s3.map(record);
table(['contender', 'N', 'refreshes', 'logins', 'failed', 'target: 1 refresh, 0 failed'],
  s3.map((r) => [r.contender, r.n, r.refreshes, r.logins, r.failed, r.contender === rxBearer.name ? mark(r.refreshes === 1 && r.logins === 0 && r.failed === 0) : '']));

print(`## S4 auth outage: the token has expired, both auth routes answer 503 three times, then 10 requests · Node ${process.version}\n`);
const s4 = [];
for (const contender of contenders) s4.push({ contender: contender.name, ...(await outage(contender)) });
raw['s4'] = s4.map(record);
table(['contender', 'failed', 'logins', 'refreshes', 'retried by itself', 'target: 0 failed'],
  s4.map((r) => [r.contender, r.failed, r.logins, r.refreshes, r.retriedByItself ? 'yes' : 'no', r.contender === rxBearer.name ? mark(r.failed === 0) : '']));

// S5 over HTTP, two paces, each in one interleaved series of many short rounds. The reference is raw fetch with one
// AbortSignal per request; the RxJS floor is one Observable around fetch with an AbortController. Targets:
// rx-bearer's cost above the reference ≤ 3× the RxJS floor's (the ratio of the two trimmed means over the same
// rounds, with a bootstrap interval), and, spaced, its CPU per request ≤ 60 µs above the reference's.
const s5Ratio = 3;
const s5CpuTarget = 60;
const s5List = [...contenders, staticTokenWithSignal, rxjsFloor];
const s5Paces = [
  { pace: 'spaced' as const, total: quick ? 480 : 4800, title: 'spaced: each request after the one before has answered and a 2 or 3 ms timer' },
  { pace: 'burst' as const, total: quick ? 768 : 6144, title: 'in bursts: 16 requests at once, each burst after the one before has answered' },
];
const us = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '∞');
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '∞');
const verdictMark = { met: '✓', 'within noise': '~ within noise', missed: '✗ miss', unresolved: '? unresolved' } as const;
const pct = Math.round(TRIM * 100);
raw['s5'] = [];
for (const { pace, total, title } of s5Paces) {
  const rows = await overhead(s5List, staticTokenWithSignal, { pace, total });
  const floor = rows.find((r) => r.name === staticToken.name)!;
  const rx = rows.find((r) => r.name === rxBearer.name)!;
  const rxFloor = rows.find((r) => r.name === rxjsFloor.name)!;
  const ratio = costRatio(rx.aboveByRound, rxFloor.aboveByRound, s5Ratio);
  const verdict = rx.failed === 0 ? ratio.verdict : 'missed';
  const cpuMet = rx.cpuAboveReferenceUs <= s5CpuTarget;
  (raw['s5'] as unknown[]).push(...rows.map((r) => record({ ...r, ...(r === rx ? { ratioToRxjsFloor: ratio, ratioTarget: s5Ratio, cpuTargetUs: pace === 'spaced' ? s5CpuTarget : undefined } : {}) })));
  print(`## S5 overhead over HTTP, ${title}: ${rx.requests} requests each in ${rx.rounds} interleaved rounds, the server in a child process · Node ${process.version}\n`);
  const cpuHead = pace === 'spaced' ? `target: CPU ≤ ${s5CpuTarget} µs above the reference` : 'CPU target (spaced only)';
  table(['contender', 'median µs', 'p99 µs', 'failed', 'median − static floor µs', `above the reference µs (per round, ${pct}% trimmed mean)`, 'CPU µs per request', `CPU above the reference µs (per round, ${pct}% trimmed mean)`, `target: ≤ ${s5Ratio}× the RxJS floor's cost above the reference (90% interval)`, cpuHead],
    rows.map((r) => [r.name, r.medianUs.toFixed(0), r.p99Us.toFixed(0), r.failed, (r.medianUs - floor.medianUs).toFixed(0), us(r.aboveReferenceUs), us(r.cpuUs), us(r.cpuAboveReferenceUs),
      r === rx ? `${times(ratio.ratio)} (${times(ratio.interval[0])}–${times(ratio.interval[1])}) ${verdictMark[verdict]}` : '', r === rx && pace === 'spaced' ? mark(cpuMet) : '']));
  print(`The RxJS floor's cost above the reference: ${us(ratio.floorUs)} µs (90% interval ${us(ratio.floorInterval[0])} to ${us(ratio.floorInterval[1])} µs)${ratio.resolved ? '' : ': not told apart from zero in this run, so no ratio can be measured against it'}.\n`);
}
print(`The reference is raw fetch (the static-token floor) with one AbortSignal per request, which rx-bearer needs so that unsubscribing aborts the request; the RxJS floor is one Observable around fetch with an AbortController, aborted on unsubscribe. Each round gives each sender a short turn (10 spaced requests, or 2 bursts), in rotated order; "above the reference" is, per round, a sender's median minus the reference's in the same round, then the ${pct}% trimmed mean over the rounds; CPU is the process's user + system time over each sender's turn, per request (the server runs in another process), paired the same way. The ratio is rx-bearer's trimmed mean over the RxJS floor's, with a 90% interval from a paired bootstrap over the rounds: ✓ when the whole interval is within the target, "within noise" when only the estimate is, "unresolved" when the floor's own cost is not told apart from zero.\n`);
const nodeMajor = Number(process.versions.node.split('.')[0]);
const inProcessTarget = nodeMajor >= 22 ? 4 : 10;
const pipeline = await inProcess(quick ? 10_000 : 60_000);
raw['s5InProcess'] = record({ ...pipeline, targetUs: inProcessTarget });
print(`S5 in process, over a stub fetch that answers at once and registers an abort listener on a signal as undici does · Node ${process.version}\n`);
table(['in process, µs per request above the bare stub', 'µs per request', 'requests per second', `target: ≤ ${inProcessTarget} µs on Node ${nodeMajor >= 22 ? '22+' : '20'}`],
  [["rx-bearer's pipeline (auth.fetch)", pipeline.usPerRequest.toFixed(2), pipeline.requestsPerSecond, mark(pipeline.usPerRequest <= inProcessTarget)],
    ['the AbortSignal and its listener alone (reference, measured in the same rounds)', pipeline.signalUs.toFixed(2), '', ''],
    ['the bare stub itself', pipeline.bareUs.toFixed(2), '', '']]);

print(`## S6 size: the core as a browser bundler resolves it (esbuild, minified, rxjs external, gzip -9) · Node ${process.version}\n`);
const cores = [await coreSize('production'), await coreSize('development')];
const others = await sizes();
raw['s6'] = [...cores.map(({ modules: _modules, ...core }) => record(core)), ...others.map(record)];
const [production] = cores;
table(['bundle', 'conditions', 'min bytes', 'min+gzip bytes', 'target: production core ≤ 7,000 B min+gzip'], [
  ...cores.map((core) => [`rx-bearer core, ${core.mode}, rxjs excluded (a peer dependency)`, core.conditions.join(', '), core.min, core.gzip, core === production ? mark(core.gzip <= 7000) : '']),
  ...others.map((r) => [r.name, 'browser, production', r.min, r.gzip, '']),
]);
raw['s6Breakdown'] = record({ mode: production!.mode, modules: production!.modules, unattributed: production!.unattributed, min: production!.min });
print(`Where the production core's ${production!.min} minified bytes go, per source file, from the same build's source map (gzip does not split by file):\n`);
const attributed = production!.modules.reduce((sum, row) => sum + row.min, 0);
table(['source file', 'min bytes'], [
  ...production!.modules.map((row) => [row.module, row.min]),
  ...(production!.unattributed ? [['unattributed (newlines, glue the bundler wrote)', production!.unattributed]] : []),
  [`**sum** (${attributed} attributed${production!.unattributed ? ` + ${production!.unattributed} unattributed` : ''})`, attributed + production!.unattributed],
]);

const s7Cycles = quick ? 20_000 : 100_000;
print(`## S7 memory: heap growth over ${s7Cycles.toLocaleString('en')} refresh cycles in virtual time, after a forced GC · Node ${process.version}\n`);
const s7 = memory(s7Cycles);
raw['s7'] = s7 ? record({ cycles: s7Cycles, ...s7 }) : 'run node with --expose-gc';
table(['contender', 'heap growth', 'target: flat, ≤ 1 MB'],
  [[rxBearer.name, s7 ? `${(s7.growthBytes / 1024).toFixed(0)} KB` : 'n/a (no --expose-gc)', s7 ? mark(s7.growthBytes <= 1024 * 1024) : '']]);
print('The other contenders have no virtual time to run that many cycles in.\n');

const s8Seconds = quick ? 4 : 10;
print(`## S8 fleet: 8 processes, 200 concurrent first requests each, then ${s8Seconds} s of 2 s tokens at 20 requests/s each · Node ${process.version}\n`);
const s8 = [await fleet(8, false, s8Seconds), await fleet(8, true, s8Seconds)];
raw['s8'] = s8.map(record);
table(['processes', 'store', 'cold start: logins', 'failed', '2 s tokens: logins + refreshes', '401s', 'failed', 'target: 1 login, ~1 refresh per token'],
  s8.map((r) => [r.size, r.store ? 'Redis' : 'none', r.cold.logins, r.cold.failed, r.expiry.logins + r.expiry.refreshes, r.expiry.unauthorized, r.expiry.failed, r.store ? mark(r.cold.logins === 1) : '']));

print(`## S9 scale: requests in flight at once over a fetch that never answers · Node ${process.version}\n`);
const s9Runs = quick ? 1 : 3;
const s9 = [...(await scaleSeries('with a token', [10_000, 50_000], s9Runs)), ...(await scaleSeries('waiting for a login', [10_000, 50_000], s9Runs))];
raw['s9'] = s9.length ? s9.map(record) : 'run node with --expose-gc';
const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
table(['case', 'in flight', 'fetches started', 'heap per request', 'µs per request to subscribe', 'vs 10k', 'process CPU µs per request (all threads)', 'target: heap ≤ 2 KB per request in flight', 'µs per request grows ≤ 10% from 10k to 50k'],
  s9.map((r) => [r.case, r.n, [...new Set(r.fetches)].join(', '), `${(r.heapBytesPerRequest / 1024).toFixed(2)} KB`, r.subscribeUsPerRequest.toFixed(1),
    r.n === 10_000 ? '' : percent(r.growth), r.processCpuUsPerRequest.toFixed(1), mark(r.heapBytesPerRequest <= 2048), r.n === 10_000 ? '' : mark(r.growth <= 0.1)]));
print(`Heap: heapUsed after a forced GC with all requests in flight, minus before subscribing, per request. Time: the subscribe loop plus one turn of the event loop (the fetches start in microtasks), per request, on the main thread; the process's CPU time over the same span also counts V8's helper threads. ${s9Runs > 1 ? `Medians of ${s9Runs} runs, after` : 'After'} an unreported warm-up run; everything is unsubscribed and disposed after each run.\n`);

if (values.json) await writeFile(values.json, `${JSON.stringify(raw, null, 2)}\n`);
