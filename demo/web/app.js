// The browser demo: rx-bearer's browser build, drawn as a live marble diagram.
// The page has no API key: its tokens come from the demo server's token endpoint.
import { createBearerAuth } from 'rx-bearer';

const config = await (await fetch('/config')).json();
const WINDOW = 30_000;
const lanes = ['token', 'state', 'endpoint', 'auth', 'request'];
const titles = { token: 'token$', state: 'state$', endpoint: 'token endpoint', auth: 'api.video auth', request: 'requests' };
const colours = { token: 'var(--token)', state: 'var(--state)', endpoint: 'var(--endpoint)', auth: 'var(--auth)', request: 'var(--request)' };
const marbles = []; // { t, lane, label, bad, kind, burst }
// logins and refreshes count the server's calls to api.video that got a token; authFailures the ones that did not.
const counts = { asks: 0, logins: 0, refreshes: 0, authFailures: 0, unauthorized: 0, ok: 0, failed: 0 };
const $ = (id) => document.getElementById(id);
const mark = (lane, label, extra = {}) => marbles.push({ t: Date.now(), lane, label, ...extra });
const tail = (token) => `…${token.slice(-4)}`;
/** A note under the buttons that goes away by itself after NOTE_MS, or when the next one replaces it. */
const NOTE_MS = 10_000;
let noteTimer;
const say = (text, { lasting = false } = {}) => {
  clearTimeout(noteTimer);
  $('note').textContent = text;
  if (!lasting) noteTimer = setTimeout(() => ($('note').textContent = ''), NOTE_MS);
};

// What this page can see of its tokens: its own calls to the token endpoint. Whether the server then
// went to api.video is the server's to say (the "api.video auth" lane, below).
let lastIssued = null;
let forced = false; // the next ask answers the "Force refresh" button
const tokenUrl = new URL(config.tokenUrl, location.href).href;
const askLabel = (response, body, refused, wasForced) => {
  const cause = refused ? `reported ${tail(refused)} → ` : wasForced ? 'refresh() → ' : '';
  if (!response.ok) return `${cause}${response.status}`;
  // The endpoint refreshes at api.video only for a reported token that is still its current one (the page reports
  // its token after a 401, or once it expired): a forced refresh of a valid token gets that token back.
  const what = typeof body.access_token !== 'string' ? 'no token' : body.access_token === lastIssued ? 'same token' : 'new token';
  return `${cause}${response.status} · ${what}`;
};

// A fetch that reports token-endpoint asks and 401s to the diagram; rx-bearer itself is untouched.
const observedFetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url !== tokenUrl) {
    const response = await fetch(input, init);
    if (response.status === 401) (counts.unauthorized++, mark('request', '401', { bad: true }));
    return response;
  }
  counts.asks++;
  const wasForced = forced;
  forced = false;
  let refused;
  try {
    refused = JSON.parse(init?.body ?? '{}').refused;
  } catch {}
  let response;
  try {
    response = await fetch(input, init);
  } catch (error) {
    mark('endpoint', 'no answer', { bad: true, kind: refused ? 'report' : wasForced ? 'forced' : 'ask' });
    throw error;
  }
  const body = response.ok ? await response.clone().json().catch(() => ({})) : {};
  const label = askLabel(response, body, refused, wasForced);
  if (typeof body.access_token === 'string') lastIssued = body.access_token;
  mark('endpoint', label, { bad: !response.ok, kind: refused ? 'report' : wasForced ? 'forced' : 'ask' });
  if (wasForced && label.endsWith('same token')) {
    say( 'Force refresh: the token endpoint handed back the token this page already had. ' +
      'It goes to api.video only when a page reports its token (after a 401, or once it expired), and this one was still valid; ' +
      'the api.video auth lane shows whether the server refreshed anyway (it does so itself near expiry).');
  }
  return response;
};

const auth = createBearerAuth({ tokenUrl: config.tokenUrl, baseUrl: config.apiUrl, fetch: observedFetch, retry: { maxDelay: 4000 } });
let state = { status: 'idle' };
let authenticatedAt = 0;
auth.token$.subscribe((token) => {
  $('token').textContent = token ? `…${token.slice(-10)}` : 'none';
  mark('token', token ? tail(token) : 'none', { bad: !token });
});
auth.state$.subscribe((next) => {
  if (next.status === 'authenticated') authenticatedAt = Date.now();
  state = next;
  $('status').textContent = next.status + (next.error ? ` (${next.error.reason})` : '');
  $('dot').className = `dot ${next.status}`;
  mark('state', next.status, { bad: next.status === 'error' });
});

// The server's side: its calls to api.video's auth routes, from the API server's own log, polled
// while this page is visible: one poll at a time, POLL_MS apart, none while hidden, none after the
// page is closed, after a newer page reset the demo (410) or after 5 failures in a row.
const POLL_MS = 250;
let cursor = 0;
let failures = 0;
let timer;
let polling = false;
let ended = null; // why polling stopped for good
const wanted = () => ended === null && !document.hidden;
const schedule = () => {
  if (wanted() && !polling && timer === undefined) timer = setTimeout(poll, POLL_MS);
};
const pause = () => (clearTimeout(timer), (timer = undefined));
const end = (why) => {
  ended = why;
  pause();
  say(`The api.video auth lane stopped: ${why}.`, { lasting: true });
};
async function poll() {
  timer = undefined;
  polling = true;
  try {
    const response = await fetch(`/auth-log?since=${cursor}&epoch=${config.epoch}`);
    if (response.status === 410) return end('a newer page reset the demo; reload to follow it');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { entries, next } = await response.json();
    failures = 0;
    cursor = next;
    const now = Date.now();
    for (const { kind, status, ago } of entries) {
      counts[status >= 400 ? 'authFailures' : kind === 'login' ? 'logins' : 'refreshes']++;
      marbles.push({ t: now - ago, lane: 'auth', label: `${kind} ${status}`, bad: status >= 400, kind });
    }
  } catch {
    if (++failures >= 5) return end('the demo server stopped answering');
  } finally {
    polling = false;
  }
  schedule();
}
document.addEventListener('visibilitychange', () => (document.hidden ? pause() : schedule()));
addEventListener('pagehide', () => end('the page was closed'));
// Back from the back/forward cache: the page lives again, and so does its lane (a newer page makes it stop again, with a 410).
addEventListener('pageshow', (event) => event.persisted && ((ended = null), say(''), schedule()));
schedule();

let bursts = 0;
$('send').onclick = () => {
  const burst = ++bursts; // the 20 answers of one click stack as one marble, whenever each arrives
  for (let i = 0; i < 20; i++) {
    auth.json('/videos').subscribe({
      next: () => (counts.ok++, mark('request', '200', { burst })),
      error: () => (counts.failed++, mark('request', 'failed', { bad: true, burst })),
    });
  }
};
/** POSTs one of the demo server's controls; its answer is read to the end (a body left unread may never finish loading). */
const control = (path) => fetch(path, { method: 'POST' }).then((response) => response.json());
$('revoke').onclick = () => control('/control/revoke').then(() => mark('token', 'revoked', { bad: true }));
$('fail').onclick = () => control('/control/fail-auth').then(() => mark('auth', 'next 3 calls fail', { bad: true, kind: 'armed' }));
$('refresh').onclick = () => {
  forced = true;
  say('');
  auth.refresh().subscribe({ error: () => {} });
  // refresh() asks at once, unless it joined an ask already under way: then no ask is this button's.
  setTimeout(() => (forced = false));
};

const svgNs = 'http://www.w3.org/2000/svg';
const el = (name, attributes, text) => {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** One marble's label, or a stack's: "20 × 200", "18 × 200, 2 × 401". */
function stackLabel(lane, items) {
  if (lane !== 'request') return items[0].label;
  const byLabel = new Map();
  for (const { label } of items) byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
  return [...byLabel].map(([label, n]) => `${n} × ${label}`).join(', ');
}

function draw() {
  const now = Date.now();
  const svg = $('timeline');
  const left = 110;
  const width = 1040 - left - 20;
  const x = (t) => left + ((t - (now - WINDOW)) / WINDOW) * width;
  svg.replaceChildren();
  lanes.forEach((lane, row) => {
    const y = 45 + row * 64;
    svg.append(el('text', { x: 10, y: y + 4, class: 'lane-label' }, titles[lane]));
    svg.append(el('line', { x1: left, x2: left + width, y1: y, y2: y, stroke: '#2a3347', 'stroke-width': 2 }));
    svg.append(el('polygon', { points: `${left + width},${y - 5} ${left + width + 9},${y} ${left + width},${y + 5}`, fill: '#2a3347' }));
    // A click's 20 requests form one stack, at its first answer, with one label; other events stand alone.
    const stacks = [];
    // Sorted: the server's auth calls arrive with the next poll, after what the page saw meanwhile.
    for (const m of marbles.filter((m) => m.lane === lane && m.t > now - WINDOW).sort((a, b) => a.t - b.t)) {
      const last = stacks.at(-1);
      // 401s seen on the wire carry no click: they stack with the ones just before them.
      const stack = m.burst ? stacks.find((candidate) => candidate.burst === m.burst) : lane === 'request' && last && !last.burst && x(m.t) - last.cx < 20 && last;
      if (stack) stack.items.push(m);
      else stacks.push({ cx: x(m.t), burst: m.burst, items: [m] });
    }
    // Labels are placed newest first, each measured as drawn, in the first of two rows under the lane where its box
    // overlaps no other: the newest events keep their words, an older one without room keeps only its dot (and its
    // hover title). Kept inside the diagram at both ends, so a clamped label is placed where it is drawn.
    const placed = [[], []]; // per row: [from, to] of each label's box
    const gap = 6;
    const drawn = [];
    for (const { cx, items } of [...stacks].reverse()) {
      const label = stackLabel(lane, items);
      const g = el('g', { 'data-lane': lane, 'data-label': items.at(-1).label, ...(items.at(-1).kind ? { 'data-kind': items.at(-1).kind } : {}) });
      g.append(el('title', {}, label)); // every marble names itself on hover, even where its text has no room
      items.forEach((m, i) => {
        g.append(el('circle', { cx, cy: y - Math.min(i, 6) * 3, r: lane === 'request' ? 5 : 8, fill: m.bad ? 'var(--bad)' : colours[lane], stroke: '#0f1420', 'stroke-width': 2 }));
      });
      svg.append(g);
      drawn.push(g);
      const text = el('text', { x: cx, y: y + 24, 'text-anchor': 'middle', class: 'marble-text' }, label);
      g.append(text);
      const half = text.getComputedTextLength() / 2;
      const textX = Math.max(left + half, Math.min(cx, left + width + 9 - half));
      const row = placed.findIndex((boxes) => boxes.every(([from, to]) => textX + half + gap <= from || textX - half - gap >= to));
      if (row < 0) {
        text.remove();
        continue;
      }
      text.setAttribute('x', String(textX));
      text.setAttribute('y', String(y + 24 + row * 14));
      placed[row].push([textX - half, textX + half]);
    }
    svg.append(...drawn.reverse()); // drawn oldest first, so that a newer dot lies on top of an older one
  });
  for (const [key, value] of Object.entries(counts)) $(key).textContent = String(value);
  const { expiresAt } = state;
  if (expiresAt && state.status === 'authenticated') {
    const refreshAt = expiresAt - Math.min(60_000, (expiresAt - authenticatedAt) / 2);
    const left = Math.max(0, refreshAt - now);
    $('countdown').textContent = `next refresh in ${(left / 1000).toFixed(1)} s · token expires in ${((expiresAt - now) / 1000).toFixed(1)} s`;
    $('progress').style.width = `${100 - (left / (refreshAt - authenticatedAt)) * 100}%`;
  } else $('countdown').textContent = `next refresh: ${state.status === 'refreshing' ? 'under way' : '—'}`;
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);
window.rxBearerDemo = { counts, marbles };
