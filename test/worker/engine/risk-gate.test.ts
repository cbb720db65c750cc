import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExposureOrder,
  exposures,
  positionDelta,
  worstSpread,
} from '../../../worker/engine/exposure.ts';
import type { BookSide } from '../../../worker/engine/ports.ts';
import { gate, type RiskState } from '../../../worker/engine/risk-gate.ts';

const TWO = ['G-A', 'G-B'];
const THREE = ['S-H', 'S-A', 'S-TIE'];
const SIDES: BookSide[] = ['bid', 'ask'];

function baseState(tickers: string[], limit: number): RiskState {
  return {
    now: 1_000,
    killed: false,
    lease: null,
    stopAtMs: 10_000,
    pausedTickers: new Set(),
    tickers,
    positions: new Map(),
    orders: [],
    limit,
    lot: 100,
  };
}

const step = fc.oneof(
  fc.record({
    kind: fc.constant('quote' as const),
    slot: fc.nat(5),
    size: fc.integer({ min: 1, max: 40 }).map((c) => c * 100),
  }),
  fc.record({
    kind: fc.constant('fill' as const),
    order: fc.nat(20),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('amend' as const),
    order: fc.nat(20),
    size: fc.integer({ min: 1, max: 40 }).map((c) => c * 100),
  }),
  fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(20) }),
);

describe('risk gate: never past the limit, including pending orders, under any interleaving', () => {
  for (const tickers of [TWO, THREE]) {
    it(`${tickers.length}-way game, concurrent fills on every side`, () => {
      fc.assert(
        fc.property(
          fc.array(step, { maxLength: 80 }),
          fc.integer({ min: 1, max: 30 }).map((c) => c * 100),
          (steps, limit) => {
            const positions = new Map<string, number>();
            const orders: ExposureOrder[] = [];
            for (const s of steps) {
              const state = { ...baseState(tickers, limit), positions, orders: [...orders] };
              if (s.kind === 'quote') {
                const ticker = tickers[s.slot % tickers.length]!;
                const side = SIDES[Math.floor(s.slot / tickers.length) % 2]!;
                const d = gate(state, { kind: 'create', ticker, side, size: s.size });
                if (d.allow) {
                  expect(d.size).toBeLessThanOrEqual(s.size);
                  expect(d.size % 100).toBe(0);
                  orders.push({ ticker, side, remaining: d.size });
                }
              } else if (orders.length > 0) {
                const i = s.order % orders.length;
                const o = orders[i]!;
                if (s.kind === 'fill') {
                  // A fill (possibly partial) moves size from the order into the position.
                  const n = Math.max(1, Math.floor(o.remaining * s.fraction));
                  positions.set(o.ticker, (positions.get(o.ticker) ?? 0) + positionDelta(o.side, n));
                  o.remaining -= n;
                  if (o.remaining <= 0) orders.splice(i, 1);
                } else if (s.kind === 'amend') {
                  const d = gate(state, {
                    kind: 'amend',
                    ticker: o.ticker,
                    side: o.side,
                    size: s.size,
                    currentRemaining: o.remaining,
                    orderIndex: i,
                  });
                  if (d.allow) o.remaining = d.size;
                } else orders.splice(i, 1);
              }
              // The payoff spread over every fill path of what was admitted.
              expect(worstSpread(tickers, positions, orders)).toBeLessThanOrEqual(limit);
              for (const [, e] of exposures(tickers, positions))
                expect(Math.abs(e)).toBeLessThanOrEqual(limit);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('clips a create to the room left and denies when none is left', () => {
    const s = { ...baseState(TWO, 1_000), positions: new Map([['G-A', 600]]) };
    // long A 600: a bid on A (adds long A) has 400 of room; an ask on B is also long A.
    expect(gate(s, { kind: 'create', ticker: 'G-A', side: 'bid', size: 1_000 })).toMatchObject({
      allow: true,
      size: 400,
      clipped: true,
    });
    const s2 = { ...s, orders: [{ ticker: 'G-B', side: 'ask' as const, remaining: 400 }] };
    expect(gate(s2, { kind: 'create', ticker: 'G-A', side: 'bid', size: 100 })).toMatchObject({
      allow: false,
      reason: 'limit',
    });
    // Reducing side is not limited by the long side's usage.
    expect(gate(s2, { kind: 'create', ticker: 'G-A', side: 'ask', size: 1_000 })).toMatchObject({
      allow: true,
      size: 1_000,
    });
  });

  it('lets the reducing side quote even when already past the limit', () => {
    const s = { ...baseState(TWO, 1_000), positions: new Map([['G-A', 3_000]]) };
    expect(gate(s, { kind: 'create', ticker: 'G-A', side: 'ask', size: 500 })).toMatchObject({
      allow: true,
      size: 500,
    });
    expect(gate(s, { kind: 'create', ticker: 'G-B', side: 'bid', size: 500 })).toMatchObject({
      allow: true,
      size: 500,
    });
    expect(gate(s, { kind: 'create', ticker: 'G-A', side: 'bid', size: 100 })).toMatchObject({
      allow: false,
      reason: 'limit',
    });
  });

  it('denies adding exposure when killed, without the lease, at or past stop time, or on a paused market', () => {
    const create = { kind: 'create' as const, ticker: 'G-A', side: 'bid' as const, size: 100 };
    const s = baseState(TWO, 1_000);
    expect(gate({ ...s, killed: true }, create)).toMatchObject({ allow: false, reason: 'killed' });
    expect(gate({ ...s, lease: { valid: false, token: 3 } }, create)).toMatchObject({
      allow: false,
      reason: 'lease_lost',
    });
    expect(gate({ ...s, lease: { valid: true, token: 7 } }, create)).toMatchObject({
      allow: true,
      fencingToken: 7,
    });
    expect(gate({ ...s, now: s.stopAtMs }, create)).toMatchObject({ allow: false, reason: 'past_stop' });
    expect(gate({ ...s, pausedTickers: new Set(['G-A']) }, create)).toMatchObject({
      allow: false,
      reason: 'market_paused',
    });
    expect(gate(s, { ...create, ticker: 'OTHER' })).toMatchObject({ allow: false, reason: 'unknown_market' });
  });

  it('always lets cancels and decreases through, whatever the state', () => {
    const s = { ...baseState(TWO, 1_000), killed: true, lease: { valid: false, token: null }, now: 99_999 };
    expect(gate(s, { kind: 'cancel' }).allow).toBe(true);
    expect(gate(s, { kind: 'decrease' }).allow).toBe(true);
  });
});
