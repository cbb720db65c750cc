/**
 * A market of ours determined or settled on the lifecycle channel is told to the session's
 * listeners (the settlement poller asks the account soon after, not a period later); a market the
 * session does not trade, or a plain close, is not.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import type { SessionEvent } from '../../../worker/engine/projection.ts';
import { FakeExchange } from './fake-exchange.ts';
import { A, sessionGameMapper, sessionRig, started, T0 } from './session-rig.ts';

describe('lifecycle settlement events', () => {
  it('determined and settled of our market reach the listeners with its game; closed and strangers do not', async () => {
    const ex = new FakeExchange();
    const r = await started(
      sessionRig({
        cap: 2_000,
        config: { reconcileMs: 60_000, discoveryMs: 3_600_000 },
        ex,
        clock: new ManualClock(T0),
        audit: false,
        ports: () => ({
          theos: {
            read: async () => [
              {
                oddsEventId: 'odds-1',
                probabilities: { Boston: 0.6, Milwaukee: 0.4 },
                updatedMs: T0,
                books: 12,
              },
            ],
          },
          mapper: sessionGameMapper('no odds event with these teams within 6 h'),
        }),
      }),
    );
    const seen: SessionEvent[] = [];
    r.session.onEvent((e) => {
      if (e.type === 'settled') seen.push(e);
    });
    const game = r.session.snapshot().games[0]!.eventTicker;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'closed' });
    r.ex.emit({ type: 'lifecycle', ticker: 'KXNHLGAME-26NOV26BOSNYR-BOS', kind: 'settled' });
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'determined' });
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'settled' });
    await r.session.idle();
    expect(seen).toEqual([
      { type: 'settled', ticker: A, eventTicker: game, kind: 'determined' },
      { type: 'settled', ticker: A, eventTicker: game, kind: 'settled' },
    ]);
  });
});
