import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Contract, outcomeGrid, paysYes } from '../../../shared/risk/payoff.ts';
import { signedInventory } from '../../../worker/engine/exposure.ts';
import { payoutSpread } from '../../../worker/engine/game-skew.ts';

const contracts = new Map<string, Contract>([
  ['HOME', { kind: 'winner', side: 'home' }],
  ['AWAY', { kind: 'winner', side: 'away' }],
  ['H5', { kind: 'spread', direction: 'over', threshold: 4.5 }],
  ['A2', { kind: 'spread', direction: 'under', threshold: -1.5 }],
  ['O220', { kind: 'total', direction: 'over', threshold: 220.5 }],
  ['O225', { kind: 'total', direction: 'over', threshold: 225.5 }],
]);
const position = fc.integer({ min: -5_000, max: 5_000 });

describe('game skew on the payoff: what the odds refresh reads', () => {
  it('two winners alone: the payout spread is |signed inventory|, as before', () => {
    fc.assert(
      fc.property(position, position, (h, a) => {
        const positions = new Map([
          ['HOME', h],
          ['AWAY', a],
        ]);
        expect(payoutSpread(contracts, positions, false)).toBe(
          Math.abs(signedInventory(['HOME', 'AWAY'], positions)),
        );
      }),
    );
  });

  it('property: max − min of the payout over every outcome of the grid (strikes counted)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...contracts.keys()), position)),
        fc.boolean(),
        (ps, ties) => {
          const positions = new Map(ps);
          const holdings = [...positions].map(([t, q]) => ({
            ticker: t,
            contract: contracts.get(t)!,
            position: q,
            price: 0,
          }));
          const payouts = outcomeGrid({ holdings, pending: [] }, { ties }).map((o) =>
            holdings.reduce((sum, h) => sum + (paysYes(h.contract, o) ? h.position : 0), 0),
          );
          expect(payoutSpread(contracts, positions, ties)).toBe(Math.max(...payouts) - Math.min(...payouts));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('thirty long "home wins by 5+" alone: a skew of thirty contracts (before: 0, winners only)', () => {
    expect(payoutSpread(contracts, new Map([['H5', 3_000]]), false)).toBe(3_000);
  });
});
