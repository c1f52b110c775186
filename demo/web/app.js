// The browser demo: rx-bearer's browser build, drawn as a live marble diagram.
import { createBearerAuth } from 'rx-bearer';

const config = await (await fetch('/config')).json();
const WINDOW = 30_000;
const lanes = ['token', 'state', 'auth', 'request'];
const titles = { token: 'token$', state: 'state$', auth: 'auth calls', request: 'requests' };
const colours = { token: 'var(--token)', state: 'var(--state)', auth: 'var(--auth)', request: 'var(--request)' };
const marbles = []; // { t, lane, label, bad, kind }
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

const auth = createBearerAuth({ apiKey: config.apiKey, baseUrl: config.apiUrl, fetch: observedFetch, retry: { maxDelay: 4000 } });
let state = { status: 'idle' };
let authenticatedAt = 0;
auth.token$.subscribe((token) => {
  $('token').textContent = token ? `…${token.slice(-10)}` : 'none';
  mark('token', token ? `…${token.slice(-4)}` : 'null', { bad: !token });
});
auth.state$.subscribe((next) => {
  if (next.status === 'authenticated') authenticatedAt = Date.now();
  state = next;
  $('status').textContent = next.status + (next.error ? ` (${next.error.reason})` : '');
  $('dot').className = `dot ${next.status}`;
  mark('state', next.status, { bad: next.status === 'error' });
});

$('send').onclick = () => {
  for (let i = 0; i < 20; i++) {
    auth.json('/videos').subscribe({
      next: () => (counts.ok++, mark('request', '200')),
      error: () => (counts.failed++, mark('request', 'failed', { bad: true })),
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
    let lastLabelX = -Infinity;
    let stack = 0;
    for (const m of marbles.filter((m) => m.lane === lane && m.t > now - WINDOW)) {
      const cx = x(m.t);
      stack = cx - lastLabelX < 3 ? stack + 1 : 0;
      const g = el('g', { 'data-lane': lane, 'data-label': m.label, ...(m.kind ? { 'data-kind': m.kind } : {}) });
      g.append(el('circle', { cx, cy: y - Math.min(stack, 6) * 3, r: lane === 'request' ? 5 : 8, fill: m.bad ? 'var(--bad)' : colours[lane], stroke: '#0f1420', 'stroke-width': 2 }));
      if (lane !== 'request' && cx - lastLabelX > 84) {
        g.append(el('text', { x: cx, y: y + 24, 'text-anchor': 'middle', class: 'marble-text' }, m.label));
        lastLabelX = cx;
      } else if (lane === 'request') lastLabelX = cx;
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
