/**
 * Edge and markouts on fills (the ruler's maths on real fills): signs per side, contract-weighted
 * means per group, a missing reference left out of its mean rather than counted as zero.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeAgainst, edgeTable, type LiveFill, midOf, sizeBucket } from '../../../shared/pnl/markout.ts';

const c = (cents: number) => cents * 10_000;
const fill = (over: Partial<LiveFill>): LiveFill => ({
  tradeId: 't',
  ticker: 'G-A',
  eventTicker: 'G',
  sport: 'nba',
  series: 'KXNBAGAME',
  mode: 'competitive',
  side: 'bid',
  price: c(50),
  count: 100,
  atMs: 0,
  atFill: { theo: c(52), mid: c(51) },
  later: {},
  ...over,
});

describe('edge against a reference', () => {
  it('bought YES below the reference is good; sold YES above it is good', () => {
    expect(edgeAgainst('bid', c(50), c(52))).toBe(c(2));
    expect(edgeAgainst('ask', c(50), c(52))).toBe(-c(2));
    expect(midOf(c(48), c(53))).toBe(c(50.5));
    expect(midOf(null, c(53))).toBeNull();
    expect([sizeBucket(900), sizeBucket(1_000), sizeBucket(10_000)]).toEqual(['<10', '10-99', '100+']);
  });

  it('property: a bid and an ask at the same price against the same reference cancel', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 0, max: 1_000_000 }), (p, r) => {
        expect(edgeAgainst('bid', p, r) + edgeAgainst('ask', p, r)).toBe(0);
      }),
    );
  });
});

describe('edge table', () => {
  it('weights by contracts, groups by key, and leaves a missing reference out of its mean', () => {
    const rows = edgeTable(
      [
        fill({ count: 100, later: { '10s': { theo: c(49), mid: null } } }),
        fill({ side: 'ask', price: c(55), count: 300, atFill: { theo: c(52), mid: null } }),
        fill({ sport: 'nhl', count: 200 }),
      ],
      (f) => f.sport,
    );
    expect(rows.map((r) => [r.key, r.fills, r.contracts])).toEqual([
      ['nba', 2, 400],
      ['nhl', 1, 200],
    ]);
    const nba = rows[0]!;
    // theo: (+2¢ × 1 + 3¢ × 3) / 4 = 2.75¢; mid only from the first fill: +1¢.
    expect(nba.edge).toEqual({ theo: c(2.75), mid: c(1) });
    expect(nba.markout['10s']).toEqual({ theo: -c(1), mid: null });
    expect(nba.markout['5m']).toEqual({ theo: null, mid: null });
  });
});
