/**
 * A three-way game listed without its TIE market (the theo prices the draw,
 * no market pays it): the session tells the risk gate so, and the gate counts
 * a YES on both teams as the risk it is — both lose on a draw.
 */
import { describe, expect, it } from 'vitest';
import type { EnginePorts } from '../../../worker/engine/ports.ts';
import { A, advance, B, c, sessionRig, started } from './session-rig.ts';

/** Boston / Milwaukee listed, the books' theo with a draw; a quoter that wants 20 YES of each team. */
function drawRig(wants: 'bids' | 'nothing' = 'bids') {
  return sessionRig({
    cap: 1_000,
    ports: ({ clock }): Partial<EnginePorts> => ({
      theos: {
        read: async () => [
          {
            oddsEventId: 'odds-1',
            probabilities: { Boston: 0.45, Milwaukee: 0.3, Draw: 0.25 },
            updatedMs: clock.now(),
            books: 12,
          },
        ],
      },
      quoter: () => ({
        quotes:
          wants === 'bids'
            ? [
                { ticker: A, side: 'bid', price: c(40), size: 2_000 },
                { ticker: B, side: 'bid', price: c(25), size: 2_000 },
              ]
            : [],
        modes: {},
        reasons: [],
      }),
    }),
  });
}

describe('risk gate on a game without its TIE market', () => {
  it('holding 10 YES Boston, 10 more YES Milwaukee is all the room left: both lose on a draw', async () => {
    const rig = drawRig('bids');
    rig.ex.positions.set(A, 1_000); // held from before the start
    const r = await started(rig);
    await advance(r.clock, 2_000);
    expect(r.session.position(A)).toBe(1_000);
    const bids = r.ex.resting().filter((o) => o.side === 'bid');
    const size = (t: string) => bids.filter((o) => o.ticker === t).reduce((s, o) => s + o.remaining, 0);
    // Boston already pays 10 more than the draw: no more YES Boston …
    expect(size(A)).toBe(0);
    // … and 10 YES Milwaukee pays 10 on either team's win, 0 on the draw: 10 of spread. As a two-way
    // game (Milwaukee YES netting Boston YES down) the gate would have let all 20 rest.
    expect(size(B)).toBe(1_000);
  });

  it('holding 10 YES of each team at its limit of 10, the game reads at-limit (idle by design), not quoting with nothing resting', async () => {
    // Both lose on a draw: 10 of spread, the whole limit, so the quoter (the real one counts the draw
    // too) wants nothing. Counted as a two-way game the book would read flat, the status "quoting" with
    // no order resting, and the liveness alarm would page for a game idle by design.
    const rig = drawRig('nothing');
    rig.ex.positions.set(A, 1_000);
    rig.ex.positions.set(B, 1_000);
    const r = await started(rig);
    await advance(r.clock, 2_000);
    expect(r.ex.resting().filter((o) => o.side === 'bid')).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('at-limit');
  });
});
