// The browser demo: rx-bearer's browser build, drawn as a live marble diagram.
import { createBearerAuth } from 'rx-bearer';

const config = await (await fetch('/config')).json();
const WINDOW = 30_000;
const lanes = ['token', 'state', 'auth', 'request'];
const titles = { token: 'token$', state: 'state$', auth: 'auth calls', request: 'requests' };
const colours = { token: 'var(--token)', state: 'var(--state)', auth: 'var(--auth)', request: 'var(--request)' };
const marbles = []; // { t, lane, label, bad, kind, burst }
const counts = { logins: 0, refreshes: 0, unauthorized: 0, ok: 0, failed: 0 };
const $ = (id) => document.getElementById(id);
const mark = (lane, label, extra = {}) => marbles.push({ t: Date.now(), lane, label, ...extra });

// A fetch that reports auth calls and 401s to the diagram; rx-bearer itself is untouched.
const observedFetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  const kind = url.endsWith('/auth/api-key') ? 'login' : url.endsWith('/auth/refresh') ? 'refresh' : null;
  if (kind) counts[kind === 'login' ? 'logins' : 'refreshes']++;
  const response = await fetch(input, init);
  if (kind) mark('auth', `${kind} ${response.status}`, { bad: !response.ok, kind });
  else if (response.status === 401) (counts.unauthorized++, mark('request', '401', { bad: true }));
  return response;
};

const auth = createBearerAuth({ apiKey: config.apiKey, dangerouslyAllowBrowser: true, baseUrl: config.apiUrl, fetch: observedFetch, retry: { maxDelay: 4000 } });
let state = { status: 'idle' };
let authenticatedAt = 0;
auth.token$.subscribe((token) => {
  $('token').textContent = token ? `…${token.slice(-10)}` : 'none';
  mark('token', token ? `…${token.slice(-4)}` : 'none', { bad: !token });
});
auth.state$.subscribe((next) => {
  if (next.status === 'authenticated') authenticatedAt = Date.now();
  state = next;
  $('status').textContent = next.status + (next.error ? ` (${next.error.reason})` : '');
  $('dot').className = `dot ${next.status}`;
  mark('state', next.status, { bad: next.status === 'error' });
});

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
$('revoke').onclick = () => fetch('/control/revoke', { method: 'POST' }).then(() => mark('token', 'revoked', { bad: true }));
$('fail').onclick = () => fetch('/control/fail-auth', { method: 'POST' }).then(() => mark('auth', '3 × 503 armed', { bad: true }));
$('refresh').onclick = () => auth.refresh().subscribe({ error: () => {} });

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
    const y = 45 + row * 68;
    svg.append(el('text', { x: 10, y: y + 4, class: 'lane-label' }, titles[lane]));
    svg.append(el('line', { x1: left, x2: left + width, y1: y, y2: y, stroke: '#2a3347', 'stroke-width': 2 }));
    svg.append(el('polygon', { points: `${left + width},${y - 5} ${left + width + 9},${y} ${left + width},${y + 5}`, fill: '#2a3347' }));
    // A click's 20 requests form one stack, at its first answer, with one label; other events stand alone.
    const stacks = [];
    for (const m of marbles.filter((m) => m.lane === lane && m.t > now - WINDOW)) {
      const last = stacks.at(-1);
      // 401s seen on the wire carry no click: they stack with the ones just before them.
      const stack = m.burst ? stacks.find((candidate) => candidate.burst === m.burst) : lane === 'request' && last && !last.burst && x(m.t) - last.cx < 20 && last;
      if (stack) stack.items.push(m);
      else stacks.push({ cx: x(m.t), burst: m.burst, items: [m] });
    }
    // Two label rows under each lane, so that close events (authenticating, then authenticated) both show.
    const rowEnds = [-Infinity, -Infinity];
    for (const { cx, items } of stacks) {
      const label = stackLabel(lane, items);
      const g = el('g', { 'data-lane': lane, 'data-label': items.at(-1).label, ...(items.at(-1).kind ? { 'data-kind': items.at(-1).kind } : {}) });
      g.append(el('title', {}, label)); // every marble names itself on hover, even where its text has no room
      items.forEach((m, i) => {
        g.append(el('circle', { cx, cy: y - Math.min(i, 6) * 3, r: lane === 'request' ? 5 : 8, fill: m.bad ? 'var(--bad)' : colours[lane], stroke: '#0f1420', 'stroke-width': 2 }));
      });
      const labelWidth = label.length * 6.5 + 10;
      const row = rowEnds.findIndex((end) => cx - labelWidth / 2 > end);
      if (row >= 0) {
        const textX = Math.min(cx, left + width + 9 - labelWidth / 2); // a fresh marble's label stays inside the diagram
        g.append(el('text', { x: textX, y: y + 24 + row * 14, 'text-anchor': 'middle', class: 'marble-text' }, label));
        rowEnds[row] = cx + labelWidth / 2;
      }
      svg.append(g);
    }
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
