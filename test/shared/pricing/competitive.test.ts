import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atLeastAsSafe,
  priceSide,
  type Side,
  type SidePriceInput,
} from '../../../shared/pricing/competitive.ts';
import {
  isOnGrid,
  LINEAR_CENT_GRID,
  makeTickGrid,
  TAPERED_DECI_CENT_RANGES,
} from '../../../shared/pricing/tick-grid.ts';

const c = (cents: number) => cents * 10_000;
const bid = (over: Partial<SidePriceInput>): SidePriceInput => ({
  side: 'bid',
  grid: LINEAR_CENT_GRID,
  ceiling: c(50),
  monopsony: c(40),
  bestSame: null,
  bestOpposite: null,
  competition: false,
  improveTicks: 1,
  ...over,
});

describe('competitive quoting (examples, YES scale)', () => {
  it('no competition: the monopsony quote', () => {
    expect(priceSide(bid({ bestSame: { price: c(45), size: 100 } }))).toEqual({
      price: c(40),
      mode: 'monopsony',
    });
  });

  it('outbid: improve the best bid by one tick while within the ceiling', () => {
    const best = { price: c(45), size: 100 };
    expect(priceSide(bid({ bestSame: best, competition: true }))).toEqual({
      price: c(46),
      mode: 'competitive',
    });
    expect(priceSide(bid({ bestSame: best, competition: true, improveTicks: 0 }))).toEqual({
      price: c(45),
      mode: 'competitive',
    });
  });

  it('a competitor behind our monopsony price does not drag us back', () => {
    // rival bid at 35¢ (it backed off), our model bid 40¢: we stay at 40¢, still the best
    expect(priceSide(bid({ bestSame: { price: c(35), size: 100 }, competition: true }))).toEqual({
      price: c(40),
      mode: 'monopsony',
    });
    // ask side: rival ask 66¢, our model ask 60¢
    expect(
      priceSide(
        bid({
          side: 'ask',
          ceiling: c(55),
          monopsony: c(60),
          bestSame: { price: c(66), size: 100 },
          competition: true,
        }),
      ),
    ).toEqual({ price: c(60), mode: 'monopsony' });
  });

  it('competition is never more passive than the monopsony price (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Side>('bid', 'ask'),
        fc.integer({ min: 10, max: 90 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 2, max: 98 }),
        fc.integer({ min: 0, max: 3 }),
        (side, ceilingC, monoOff, bestC, improveTicks) => {
          const ceiling = c(ceilingC);
          const monopsony = c(
            side === 'bid' ? Math.max(1, ceilingC - monoOff) : Math.min(99, ceilingC + monoOff),
          );
          const base = { side, grid: LINEAR_CENT_GRID, ceiling, monopsony, bestOpposite: null, improveTicks };
          const alone = priceSide({ ...base, bestSame: null, competition: false });
          const contested = priceSide({
            ...base,
            bestSame: { price: c(bestC), size: 100 },
            competition: true,
          });
          expect(alone).not.toBeNull();
          expect(contested).not.toBeNull();
          expect(atLeastAsSafe(side, contested!.price, alone!.price)).toBe(contested!.price === alone!.price);
          expect(atLeastAsSafe(side, contested!.price, ceiling)).toBe(true);
        },
      ),
    );
  });

  it('improving would pass the ceiling: join at the ceiling', () => {
    const r = priceSide(bid({ bestSame: { price: c(50), size: 100 }, competition: true }));
    expect(r).toEqual({ price: c(50), mode: 'competitive' });
  });

  it('best bid past the ceiling: fall back to the safer of ceiling and monopsony', () => {
    const best = { price: c(52), size: 100 };
    expect(priceSide(bid({ bestSame: best, competition: true }))).toEqual({
      price: c(40),
      mode: 'monopsony',
    });
    // monopsony above the ceiling (e.g. heavily short): the ceiling is the safer one
    expect(priceSide(bid({ bestSame: best, competition: true, monopsony: c(55) }))).toEqual({
      price: c(50),
      mode: 'ceiling',
    });
  });

  it('a model price off the grid means no quote, unless there is someone to join', () => {
    expect(priceSide(bid({ monopsony: null }))).toBeNull();
    expect(
      priceSide(bid({ monopsony: null, competition: true, bestSame: { price: c(45), size: 100 } })),
    ).toEqual({
      price: c(46),
      mode: 'competitive',
    });
  });

  it('asks mirror bids', () => {
    const ask: SidePriceInput = {
      ...bid({}),
      side: 'ask',
      ceiling: c(56),
      monopsony: c(62),
      bestSame: { price: c(60), size: 100 },
      competition: true,
    };
    expect(priceSide(ask)).toEqual({ price: c(59), mode: 'competitive' });
    expect(priceSide({ ...ask, bestSame: { price: c(55), size: 100 } })).toEqual({
      price: c(62),
      mode: 'monopsony',
    });
  });

  it('post-only: never at or through the others’ opposite best', () => {
    expect(priceSide(bid({ monopsony: c(48), bestOpposite: { price: c(47), size: 100 } }))).toEqual({
      price: c(46),
      mode: 'monopsony',
    });
    expect(priceSide(bid({ bestOpposite: { price: c(1), size: 100 } }))).toBeNull();
  });
});

const tapered = makeTickGrid(TAPERED_DECI_CENT_RANGES);

describe('competitive properties', () => {
  it('never past the ceiling, on the grid, strictly inside the opposite best', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Side>('bid', 'ask'),
        fc.constantFrom(LINEAR_CENT_GRID, tapered),
        fc.nat(),
        fc.option(fc.nat()),
        fc.option(fc.nat()),
        fc.option(fc.nat()),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (side, grid, ci, mi, si, oi, competition, improveTicks) => {
          const at = (i: number) => grid.ticks[i % grid.ticks.length] as number;
          const input: SidePriceInput = {
            side,
            grid,
            ceiling: at(ci),
            monopsony: mi === null ? null : at(mi),
            bestSame: si === null ? null : { price: at(si), size: 100 },
            bestOpposite: oi === null ? null : { price: at(oi), size: 100 },
            competition,
            improveTicks,
          };
          const r = priceSide(input);
          if (r === null) return;
          expect(isOnGrid(grid, r.price)).toBe(true);
          expect(atLeastAsSafe(side, r.price, input.ceiling)).toBe(true);
          if (input.bestOpposite) {
            if (side === 'bid') expect(r.price).toBeLessThan(input.bestOpposite.price);
            else expect(r.price).toBeGreaterThan(input.bestOpposite.price);
          }
          const crossedBook =
            input.bestSame &&
            input.bestOpposite &&
            !atLeastAsSafe(side, input.bestSame.price, input.bestOpposite.price - (side === 'bid' ? 1 : -1));
          if (r.mode === 'competitive' && input.bestSame && !crossedBook) {
            // joins or improves: at least as aggressive as the best of others
            expect(atLeastAsSafe(side, input.bestSame.price, r.price)).toBe(true);
          }
        },
      ),
    );
  });
});
