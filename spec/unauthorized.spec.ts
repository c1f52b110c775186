import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import { normalizeOptions, type RefreshOn } from '../src/options.js';
import { createMarbleTransport } from '../src/testing/marbles.js';
import { createTokenEngine } from '../src/token-engine.js';
import { unauthorizedPolicy } from '../src/unauthorized.js';
import { createTestScheduler } from './helpers/marbles.js';

/** The one 401 policy: when a refusal is answered with a new token and one resend (virtual time). */
describe('401 policy', () => {
  let scheduler: TestScheduler;
  const setup = (cold: RunHelpers['cold'], refreshOn: RefreshOn = 'both') => {
    const transport = createMarbleTransport({ cold });
    const options = normalizeOptions({ apiKey: 'the-api-key', transport, scheduler, refreshOn });
    const engine = createTokenEngine(options);
    return { engine, policy: unauthorizedPolicy(engine, options) };
  };
  const route = (name: string) => ({ routeName: () => name });

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it("offers one resend for a resendable request, none with refreshOn 'timer' or a body that cannot be sent twice", () => {
    scheduler.run(({ cold }) => {
      const { engine, policy } = setup(cold);
      const timerOnly = setup(cold, 'timer');
      expect(policy.firstPhase('t', {})).toBe('first');
      expect(policy.firstPhase('t', { resendable: false })).toBe('only');
      expect(timerOnly.policy.firstPhase('t', {})).toBe('only');
      engine.dispose();
      timerOnly.engine.dispose();
    });
  });

  it('remembers a route that refused a fresh token for that token only, and a request without a route apart', () => {
    scheduler.run(({ cold }) => {
      const { engine, policy } = setup(cold);
      engine.next().subscribe();
      scheduler.schedule(() => {
        const token = engine.current()!;
        policy.refusedWithoutResend(route('GET https://ws.api.video/forbidden'), token, 'resend');
        expect(policy.firstPhase(token, route('GET https://ws.api.video/forbidden'))).toBe('only');
        expect(policy.firstPhase(token, route('GET https://ws.api.video/videos'))).toBe('first');
        expect(policy.firstPhase(token, {})).toBe('first');
        policy.refusedWithoutResend({}, token, 'resend');
        expect(policy.firstPhase(token, {})).toBe('only');
        // A stale token's refusal is not a verdict on the route.
        policy.refusedWithoutResend(route('GET https://ws.api.video/other'), 'an-older-token', 'resend');
        expect(policy.firstPhase(token, route('GET https://ws.api.video/other'))).toBe('first');
        engine.dispose();
      }, 10);
    });
  });
});
