import { createTimeline, useColour } from '../../demo/timeline.js';

describe('the terminal timeline', () => {
  it('uses colour only on a TTY, and never when NO_COLOR is set', () => {
    expect(useColour({ isTTY: true }, {})).toBeTrue();
    expect(useColour({ isTTY: true }, { NO_COLOR: '' })).toBeFalse();
    expect(useColour({ isTTY: false }, {})).toBeFalse();
    expect(useColour({}, {})).toBeFalse();
  });

  it('puts each event in its own lane, marble-style, with the other lanes running on', () => {
    const plain = createTimeline(false);
    const line = plain.line({ at: 1234, lane: 'auth', text: '→ refresh' });
    expect(line).toMatch(/^ +1\.23s  │ +│ +→ refresh +│$/);
    expect(line).not.toMatch(/\x1b\[/);
    expect(createTimeline(true).line({ at: 0, lane: 'token', text: '● …abc', tone: 'good' })).toMatch(/\x1b\[32m● …abc/);
    expect(plain.line({ at: 0, lane: 'story', text: '1. Cold start' })).toBe('\n  0.00s  1. Cold start');
  });
});
