import { describe, expect, it } from 'vitest';
import type { Contract } from '../../../shared/risk/payoff.ts';
import { gate, type PayoffLimit, type RiskState } from '../../../worker/engine/risk-gate.ts';

const c = (n: number) => n * 100; // contracts → Centis
const cents = (n: number) => n * 10_000; // cents → Micros
const dollars = (n: number) => n * 1_000_000;

const contracts = new Map<string, Contract>([
  ['G-HOME', { kind: 'winner', side: 'home' }],
  ['G-AWAY', { kind: 'winner', side: 'away' }],
  ['S-HOME7', { kind: 'spread', direction: 'over', threshold: 6.5 }],
  ['T-O220', { kind: 'total', direction: 'over', threshold: 220.5 }],
]);
const payoff: PayoffLimit = { contracts, entryPrices: new Map(), limit: dollars(10), ties: false };

function ladderGame(overrides: Partial<RiskState> = {}): RiskState {
  return {
    now: 1_000,
    killed: false,
    lease: null,
    stopAtMs: 10_000,
    pausedTickers: new Set(),
    tickers: [...contracts.keys()],
    positions: new Map(),
    orders: [],
    // the per-outcome limit (Centis) a winner-only game would use: not what limits a ladder game
    limit: c(1000),
    lot: 100,
    payoff,
    ...overrides,
  };
}

describe('the risk gate on a game with strike markets: one payoff limit', () => {
  it('a create is clipped to what the worst-case loss allows at its price', () => {
    const d = gate(ladderGame(), {
      kind: 'create',
      ticker: 'S-HOME7',
      side: 'bid',
      size: c(40),
      price: cents(50),
    });
    expect(d).toMatchObject({ allow: true, size: c(20), clipped: true });
  });

  it('every resting and pending order of the game counts, on every market, priced', () => {
    const orders = [
      { ticker: 'G-HOME', side: 'bid' as const, remaining: c(10), price: cents(60) }, // $6 where away wins
      { ticker: 'T-O220', side: 'ask' as const, remaining: c(10), price: cents(70) }, // $3 where over
    ];
    // $10 − $6 − $3 = $1 left at (away wins, over 220): 2 contracts of "home by 7+" at 50¢ lose there.
    const d = gate(ladderGame({ orders }), {
      kind: 'create',
      ticker: 'S-HOME7',
      side: 'bid',
      size: c(40),
      price: cents(50),
    });
    expect(d).toMatchObject({ allow: true, size: c(2) });
  });

  it('an order whose price is unknown (a ghost) is booked at the price that loses most', () => {
    const ghost = { ticker: 'G-HOME', side: 'bid' as const, remaining: c(9) }; // $9 where away wins
    const d = gate(ladderGame({ orders: [ghost] }), {
      kind: 'create',
      ticker: 'G-HOME',
      side: 'bid',
      size: c(40),
      price: cents(50),
    });
    expect(d).toMatchObject({ allow: true, size: c(2) });
  });

  it('an amend is judged against everything but itself, at its new price', () => {
    const orders = [{ ticker: 'S-HOME7', side: 'bid' as const, remaining: c(20), price: cents(50) }];
    const d = gate(ladderGame({ orders }), {
      kind: 'amend',
      ticker: 'S-HOME7',
      side: 'bid',
      size: c(30),
      currentRemaining: c(20),
      orderIndex: 0,
      price: cents(40),
    });
    expect(d).toMatchObject({ allow: true, size: c(25) });
  });

  it('a write without its price is refused, saying why; cancels and decreases always pass', () => {
    const d = gate(ladderGame(), { kind: 'create', ticker: 'T-O220', side: 'bid', size: c(1) });
    expect(d).toMatchObject({ allow: false, reason: 'limit' });
    expect(!d.allow && d.detail).toMatch(/needs its price/);
    expect(gate(ladderGame({ killed: true }), { kind: 'cancel' }).allow).toBe(true);
  });

  it('at the limit the write is refused with the game worst case named', () => {
    const d = gate(ladderGame({ positions: new Map([['T-O220', c(10)]]) }), {
      // 10 over-220 at unknown entry: $10 at risk already
      kind: 'create',
      ticker: 'T-O220',
      side: 'bid',
      size: c(1),
      price: cents(50),
    });
    expect(d).toMatchObject({ allow: false, reason: 'limit' });
    expect(!d.allow && d.detail).toMatch(/worst-case loss/);
  });

  it('without strike markets (no payoff) the gate is the per-outcome exposure gate, price or not', () => {
    const winner: RiskState = {
      ...ladderGame({ tickers: ['G-HOME', 'G-AWAY'], limit: c(5) }),
      payoff: undefined,
    };
    expect(
      gate(winner, { kind: 'create', ticker: 'G-HOME', side: 'bid', size: c(40), price: cents(50) }),
    ).toEqual(gate(winner, { kind: 'create', ticker: 'G-HOME', side: 'bid', size: c(40) }));
    expect(gate(winner, { kind: 'create', ticker: 'G-HOME', side: 'bid', size: c(40) })).toMatchObject({
      allow: true,
      size: c(5),
    });
  });
});
