import type { DemoEvent, Lane } from './story.js';

const lanes: Array<[Exclude<Lane, 'story'>, string, number]> = [
  ['token', 'token$', 14],
  ['state', 'state$', 26],
  ['auth', 'auth calls', 28],
  ['request', 'requests', 0],
];

const ansi = { reset: '\x1b[0m', dim: '\x1b[2m', bold: '\x1b[1m', green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', magenta: '\x1b[35m' };
const laneColour: Record<Lane, string> = { story: ansi.bold, token: ansi.green, state: ansi.yellow, auth: ansi.cyan, request: ansi.magenta };

/** Colour on a TTY unless NO_COLOR is set (https://no-color.org); plain text when piped. */
export const useColour = (stream: { isTTY?: boolean }, env: Record<string, string | undefined>) => Boolean(stream.isTTY) && !('NO_COLOR' in env);

const padCell = (text: string, width: number) => (width === 0 ? text : text.length > width - 1 ? `${text.slice(0, width - 2)}… ` : text.padEnd(width));

/**
 * Renders the timeline: time on the left, one column (lane) per stream,
 * marble-style: each event is a mark in its own lane, the others show their
 * line running on. Chapter titles cross every lane.
 */
export function createTimeline(colour: boolean) {
  const paint = (code: string, text: string) => (colour ? `${code}${text}${ansi.reset}` : text);
  const time = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)}s`;
  return {
    header(): string {
      return paint(ansi.dim, `${'time'.padStart(7)}  ${lanes.map(([, title, width]) => padCell(title, width)).join('')}`);
    },
    line(event: DemoEvent): string {
      if (event.lane === 'story') return `\n${paint(ansi.dim, time(event.at))}  ${paint(event.tone === 'good' ? ansi.green : ansi.bold, event.text)}`;
      const cells = lanes.map(([lane, , width]) => {
        if (lane !== event.lane) return paint(ansi.dim, padCell('│', width));
        const text = padCell(event.text, width);
        return paint(event.tone === 'bad' ? ansi.red : laneColour[lane], text);
      });
      return `${paint(ansi.dim, time(event.at))}  ${cells.join('').trimEnd()}`;
    },
  };
}
