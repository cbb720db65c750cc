/**
 * quoteGame: THE pricing entry point. The trading engine calls it on every
 * book change or fill of a game and gets back decisions as data: a target
 * (price, size, mode, edge) for every market × side it should rest, and a
 * reason for every side it must not. Every (ticker, side) of the input appears
 * exactly once, in `quotes` or in `suppressed`.
 *
 * Targets are TOTAL desired resting sizes per side (not increments); `pending`
 * is the size of each side's own order in flight (sent and unacknowledged, or
 * of unknown outcome): it counts as if filled against the limit, and since the
 * side's target will be written to that same order, the side counts the larger
 * of the two, never their sum (risk/limits fitSizesToLimit).
 *
 * Steps (each a pure function elsewhere):
 *  1. stop rule (risk/stop-rule) — nothing at or after the stop time;
 *  2. exposure vector and directional inventory per market (risk/inventory);
 *  3. per side: ceiling after fee (pricing/ceiling), break-even extension
 *     (risk/break-even), monopsony model price (pricing/monopsony), join/improve
 *     or fall back (pricing/competitive), post-only clamp vs the book;
 *  4. sizes: taper the adding side, fit every side's worst case to the limit
 *     (risk/limits); re-check the fee at the final size;
 *  5. consistency: bid < ask in each market; across an exhaustive game the bids
 *     (with fees) sum below $1 and the asks above $1, so our own quotes never
 *     lock in a sure loss (a YES ask at p ≡ a NO bid at 1 − p).
 */
import { breakEvenActive, breakEvenPrice, reducingSide } from '../risk/break-even.ts';
import { directionalInventory, exposureVector } from '../risk/inventory.ts';
import { fitSizesToLimit, type SideSizes, taperedSizes } from '../risk/limits.ts';
import { stopState } from '../risk/stop-rule.ts';
import { CENTIS_PER_CONTRACT, type Centis, MICROS_PER_DOLLAR, type Micros } from '../units.ts';
import { edgeCeiling, type FeeAt } from './ceiling.ts';
import { atLeastAsSafe, type BookLevel, type PriceMode, priceSide, type Side } from './competitive.ts';
import { type FeeSchedule, feeBoundPerContract, feePerContract } from './fees.ts';
import { monopsonyQuote, snapMonopsony, snapMonopsonyAfterFee } from './monopsony.ts';
import type { QuotingParams } from './params.ts';
import { bookReference } from './stale-competitor.ts';
import { isOnGrid, nextTick, prevTick, type TickGrid } from './tick-grid.ts';
import { lotTaperFloor, taperWeight, toxicTaperedSizes } from './toxicity.ts';

export type { SideSizes } from '../risk/limits.ts';
export type { BookLevel, Side } from './competitive.ts';

export interface MarketQuoteInput {
  ticker: string;
  /** Outcome label (team name, 'Tie'), for logs and the dashboard. */
  outcome: string;
  grid: TickGrid;
  /** Theo probability of YES in (0, 1); null when there is none. */
  theo: number | null;
  fees: FeeSchedule;
  /** Best levels of the book WITHOUT our own orders. */
  book: { bestBid: BookLevel | null; bestAsk: BookLevel | null };
  /** Outbid / competitor seen, per side. */
  competition: { bid: boolean; ask: boolean };
  /** Signed position, Centis: + YES, − NO. */
  position: Centis;
  /**
   * Average entry, Micros on this market's YES scale, of the position the game
   * holds in this outcome's direction (inventory.ts marketAverageEntry gives it
   * for both legs of a two-way game). Ignored when this market's own position
   * points against the game's directional inventory.
   */
  avgEntry: number | null;
  /** This side's order in flight (counted as filled; the side counts max(pending, target)), Centis ≥ 0. */
  pending: SideSizes;
  /**
   * Expected adverse markout per contract of a fill on each side, probability (pricing/toxicity.ts;
   * a two-way game pools both legs' fills of one direction). Absent: no evidence (the prior, 0).
   */
  toxicity?: { bid: number; ask: number };
}

export interface GameQuoteInput {
  now: number;
  /** Epoch ms (risk/stop-rule stopTime); null = unknown start → no quotes. */
  stopTime: number | null;
  params: QuotingParams;
  /** Hard per-game limit, Centis (risk/limits gameLimit). */
  limit: Centis;
  /** Do the markets cover every outcome (two teams; home/away/tie)? Default: true when ≥ 2 markets. */
  exhaustive?: boolean;
  markets: readonly MarketQuoteInput[];
}

export type QuoteMode = 'monopsony' | 'competitive' | 'ceiling' | 'break-even';

export interface TargetQuote {
  ticker: string;
  side: Side;
  price: Micros;
  size: Centis;
  mode: QuoteMode;
  /** Edge per contract vs theo after the maker fee, Micros (floored). Negative only in break-even mode. */
  edge: Micros;
}

export type SuppressReason =
  | 'stop-time'
  | 'no-start-time'
  | 'invalid-input'
  | 'no-theo'
  | 'theo-out-of-range'
  | 'no-edge'
  | 'at-limit'
  | 'would-cross-book'
  | 'self-cross'
  | 'cross-market';

export interface SuppressedSide {
  ticker: string;
  side: Side;
  reason: SuppressReason;
  detail: string;
}

export interface MarketRisk {
  ticker: string;
  /** Directional inventory, Centis (long YES > 0); may be fractional in a 3-way game. */
  inventory: number;
  breakEven: boolean;
}

export interface GameQuoteDecision {
  now: number;
  quotes: TargetQuote[];
  suppressed: SuppressedSide[];
  /** Payoff per outcome, Centis, min 0 (one extra entry when not exhaustive). */
  exposure: Centis[];
  markets: MarketRisk[];
}

const SIDES: readonly Side[] = ['bid', 'ask'];

interface Working {
  ticker: string;
  side: Side;
  j: number;
  price: Micros;
  mode: QuoteMode;
  /** Mode from the competitive step, before break-even labelling. */
  priceMode: PriceMode;
  size: Centis;
}

function validate(input: GameQuoteInput): string | null {
  if (!Number.isFinite(input.now)) return 'now must be a finite epoch ms';
  if (!Number.isSafeInteger(input.limit) || input.limit < 0) return `limit ${input.limit} must be Centis ≥ 0`;
  if (input.markets.length === 0) return 'markets must not be empty';
  // Params come from QuotingParamsSchema; the ones that size and bound money are re-checked (cheap).
  const p = input.params;
  for (const name of ['baseSize', 'sizeStep', 'minSize'] as const) {
    if (!Number.isSafeInteger(p[name]) || p[name] <= 0) return `params.${name} must be integer Centis > 0`;
  }
  for (const name of ['minEdge', 'longshotExtraEdge'] as const) {
    if (!Number.isSafeInteger(p[name]) || p[name] < 0) return `params.${name} must be integer Micros ≥ 0`;
  }
  if (!(p.breakEvenShare >= 0 && p.breakEvenShare <= 1)) return 'params.breakEvenShare must be in [0, 1]';
  const seen = new Set<string>();
  for (const [i, m] of input.markets.entries()) {
    if (seen.has(m.ticker)) return `markets[${i}].ticker ${m.ticker} is duplicated`;
    seen.add(m.ticker);
    if (!Number.isSafeInteger(m.position)) return `markets[${i}].position must be integer Centis`;
    for (const s of SIDES) {
      const p = m.pending[s];
      if (!Number.isSafeInteger(p) || p < 0) return `markets[${i}].pending.${s} must be integer Centis ≥ 0`;
    }
    for (const [name, lvl] of [
      ['bestBid', m.book.bestBid],
      ['bestAsk', m.book.bestAsk],
    ] as const) {
      if (lvl && (!Number.isInteger(lvl.price) || lvl.price <= 0 || lvl.price >= MICROS_PER_DOLLAR)) {
        return `markets[${i}].book.${name}.price must be Micros in (0, 1_000_000)`;
      }
    }
    if (m.grid.ticks.length === 0) return `markets[${i}].grid has no ticks`;
  }
  return null;
}

function suppressAll(input: GameQuoteInput, reason: SuppressReason, detail: string): GameQuoteDecision {
  return {
    now: input.now,
    quotes: [],
    suppressed: input.markets.flatMap((m) =>
      SIDES.map((side) => ({ ticker: m.ticker, side, reason, detail })),
    ),
    exposure: [],
    markets: input.markets.map((m) => ({ ticker: m.ticker, inventory: 0, breakEven: false })),
  };
}

/** Edge a side must earn after fees: min edge, plus the longshot extra when it buys a longshot. */
export function requiredEdge(params: QuotingParams, theo: number, side: Side): Micros {
  const buysLongshot = side === 'bid' ? theo < params.longshotBelow : theo > 1 - params.longshotBelow;
  return params.minEdge + (buysLongshot ? params.longshotExtraEdge : 0);
}

/** A best level counts as competition only from a minimum size. */
function competitor(level: BookLevel | null, minSize: Centis): BookLevel | null {
  return level !== null && level.size >= minSize ? level : null;
}

function usableTheo(theo: number | null): theo is number {
  return theo !== null && Number.isFinite(theo) && theo > 0 && theo < 1;
}

export function quoteGame(input: GameQuoteInput): GameQuoteDecision {
  const invalid = validate(input);
  if (invalid !== null) return suppressAll(input, 'invalid-input', invalid);
  const stop = stopState(input.now, input.stopTime);
  if (!stop.quoting) {
    return suppressAll(
      input,
      stop.reason,
      stop.reason === 'stop-time' ? 'at or after stop time' : 'start time unknown',
    );
  }

  const { params, limit, markets } = input;
  const exhaustive = input.exhaustive ?? markets.length >= 2;
  const exposure = exposureVector(
    markets.map((m) => m.position),
    exhaustive,
  );
  const theos = markets.map((m) => (usableTheo(m.theo) ? m.theo : Number.NaN));
  const weights = exposure.length > markets.length ? [...theos, 1 - theos.reduce((a, b) => a + b, 0)] : theos;
  const inventory = markets.map((_, j) => directionalInventory(exposure, j, weights));
  const breakEven = inventory.map((q) => breakEvenActive(q, limit, params.breakEvenShare));
  const horizonSeconds = stop.msToStop / 1000;

  const suppressed: SuppressedSide[] = [];
  const working: Working[] = [];
  const suppress = (j: number, side: Side, reason: SuppressReason, detail: string) =>
    suppressed.push({ ticker: (markets[j] as MarketQuoteInput).ticker, side, reason, detail });

  // Decisions use the size-monotone fee bound (fees.ts); reported edges use the actual rounded fee.
  const feeAtSize =
    (m: MarketQuoteInput, size: Centis): FeeAt =>
    (price) =>
      feeBoundPerContract(m.fees, 'maker', price, size);

  /** toxicityEdge: a side's expected adverse markout per contract, Micros (0 when benign or off). */
  const adverseEdge = (m: MarketQuoteInput, side: Side): Micros => {
    const x = params.toxicityEdge ? (m.toxicity?.[side] ?? 0) : 0;
    return x > 0 ? Math.round(x * MICROS_PER_DOLLAR) : 0;
  };

  /** Most aggressive allowed price: normal ceiling, extended by break-even on the reducing side. */
  const ceilings = (j: number, side: Side, size: Centis) => {
    const m = markets[j] as MarketQuoteInput;
    const theoM = (m.theo as number) * MICROS_PER_DOLLAR;
    const feeAt = feeAtSize(m, size);
    // bookReference: the others' opposite best past theo is the reference (stale-competitor.ts).
    const opposite = competitor(side === 'bid' ? m.book.bestAsk : m.book.bestBid, params.minCompetitorSize);
    const reference = params.bookReference ? bookReference(side, theoM, opposite) : theoM;
    // At least 1 Micro of edge keeps bid < theo < ask strict even with minEdge 0.
    const normal = edgeCeiling(
      m.grid,
      side,
      reference,
      Math.max(requiredEdge(params, m.theo as number, side) + adverseEdge(m, side), 1),
      feeAt,
    );
    let effective = normal;
    const q = inventory[j] as number;
    // An entry price only describes this exposure if the market's own position does
    // not point the other way (a per-market entry of a long leg is no break-even for
    // a game that is net short this outcome).
    const entryUsable = m.position === 0 || Math.sign(m.position) === Math.sign(q);
    if (breakEven[j] && reducingSide(q) === side && entryUsable) {
      const be = breakEvenPrice(q, m.avgEntry, m.grid, feeAt);
      if (be !== null && (effective === null || !atLeastAsSafe(side, be, effective))) effective = be;
    }
    return { normal, effective };
  };

  // 1. Prices at the base size.
  for (const [j, m] of markets.entries()) {
    if (!usableTheo(m.theo)) {
      for (const side of SIDES) suppress(j, side, 'no-theo', `theo ${m.theo}`);
      continue;
    }
    if (m.theo < params.minTheo || m.theo > 1 - params.minTheo) {
      for (const side of SIDES)
        suppress(
          j,
          side,
          'theo-out-of-range',
          `theo ${m.theo} outside [${params.minTheo}, ${1 - params.minTheo}]`,
        );
      continue;
    }
    const q = (inventory[j] as number) / CENTIS_PER_CONTRACT;
    const raw = monopsonyQuote(
      { theo: m.theo, inventory: q, limit: limit / CENTIS_PER_CONTRACT, horizonSeconds },
      params,
    );
    // The expected adverse markout is paid out of the distance, as the fee is.
    const adverseBid = adverseEdge(m, 'bid') / MICROS_PER_DOLLAR;
    const adverseAsk = adverseEdge(m, 'ask') / MICROS_PER_DOLLAR;
    const model =
      adverseBid === 0 && adverseAsk === 0
        ? raw
        : { ...raw, bid: raw.bid - adverseBid, ask: raw.ask + adverseAsk };
    const snapped = params.feeAwareSpread
      ? snapMonopsonyAfterFee(model, m.grid, (price) =>
          feePerContract(m.fees, 'maker', price, params.baseSize),
        )
      : snapMonopsony(model, m.grid);
    for (const side of SIDES) {
      const { normal, effective } = ceilings(j, side, params.baseSize);
      if (effective === null) {
        suppress(j, side, 'no-edge', `no tick clears edge ${requiredEdge(params, m.theo, side)} + fee`);
        continue;
      }
      const priced = priceSide({
        side,
        grid: m.grid,
        ceiling: effective,
        monopsony: snapped[side],
        bestSame: competitor(side === 'bid' ? m.book.bestBid : m.book.bestAsk, params.minCompetitorSize),
        bestOpposite: side === 'bid' ? m.book.bestAsk : m.book.bestBid,
        competition: m.competition[side],
        improveTicks: params.improveTicks,
      });
      if (priced === null) {
        if (
          snapped[side] === null &&
          !(
            m.competition[side] &&
            competitor(side === 'bid' ? m.book.bestBid : m.book.bestAsk, params.minCompetitorSize)
          )
        ) {
          suppress(j, side, 'no-edge', 'model price beyond the last tick of the grid');
        } else suppress(j, side, 'would-cross-book', 'no tick strictly inside the others\u2019 best prices');
        continue;
      }
      const mode: QuoteMode =
        normal === null || !atLeastAsSafe(side, priced.price, normal) ? 'break-even' : priced.mode;
      working.push({ ticker: m.ticker, side, j, price: priced.price, mode, priceMode: priced.mode, size: 0 });
    }
  }

  // 2. Sizes: taper the adding side (as far as its direction's fills marked out badly, with
  // toxicityTaper), fit the worst case (pending included) to the limit.
  const fullAt = Math.max(params.minEdge, 1) / MICROS_PER_DOLLAR;
  const floor = params.toxicityTaperFloor === 'lot' ? lotTaperFloor(params.baseSize, limit) : 0;
  const desired: SideSizes[] = markets.map((m, j) => {
    const t = !params.taperAddingSide
      ? { bid: params.baseSize, ask: params.baseSize }
      : params.toxicityTaper
        ? toxicTaperedSizes(params.baseSize, inventory[j] as number, limit, {
            bid: taperWeight(m.toxicity?.bid ?? 0, fullAt, floor),
            ask: taperWeight(m.toxicity?.ask ?? 0, fullAt, floor),
          })
        : taperedSizes(params.baseSize, inventory[j] as number, limit);
    const has = (side: Side) => working.some((w) => w.j === j && w.side === side);
    return { bid: has('bid') ? t.bid : 0, ask: has('ask') ? t.ask : 0 };
  });
  const fitted = fitSizesToLimit(
    exposure,
    markets.map((m) => m.pending),
    desired,
    limit,
    params.sizeStep,
  );
  let live: Working[] = [];
  for (const w of working) {
    const size = (fitted[w.j] as SideSizes)[w.side];
    if (size < params.minSize) {
      suppress(w.j, w.side, 'at-limit', `size ${size} below minimum ${params.minSize} (limit ${limit})`);
      continue;
    }
    // Re-check the fee at the final size: cent rounding makes small orders dearer per contract.
    const { normal, effective } = ceilings(w.j, w.side, size);
    if (effective === null) {
      suppress(w.j, w.side, 'no-edge', `no tick clears min edge at size ${size}`);
      continue;
    }
    const price = atLeastAsSafe(w.side, w.price, effective) ? w.price : effective;
    const mode: QuoteMode =
      normal === null || !atLeastAsSafe(w.side, price, normal)
        ? 'break-even'
        : price === w.price
          ? w.priceMode
          : 'ceiling';
    live.push({ ...w, size, price, mode });
  }

  // 3. bid < ask within a market (only break-even can break it): the adding side gives way.
  for (const [j, m] of markets.entries()) {
    const bid = live.find((w) => w.j === j && w.side === 'bid');
    const ask = live.find((w) => w.j === j && w.side === 'ask');
    if (!bid || !ask || bid.price < ask.price) continue;
    if ((inventory[j] as number) > 0) {
      const p = prevTick(m.grid, ask.price);
      if (p === null) {
        suppress(j, 'bid', 'self-cross', `bid would cross own ask ${ask.price}`);
        live = live.filter((w) => w !== bid);
      } else bid.price = p;
    } else {
      const p = nextTick(m.grid, bid.price);
      if (p === null) {
        suppress(j, 'ask', 'self-cross', `ask would cross own bid ${bid.price}`);
        live = live.filter((w) => w !== ask);
      } else ask.price = p;
    }
  }

  // 4. Across an exhaustive game: all bids (+fees) < $1, all asks (−fees) > $1.
  if (exhaustive && markets.length >= 2) {
    for (const side of SIDES) live = enforceNoSureLoss(live, side, markets, suppress);
  }

  const quotes: TargetQuote[] = [];
  for (const w of live) {
    const m = markets[w.j] as MarketQuoteInput;
    // Last line of defence: nothing leaves here that is not a whole, on-grid, in-range order.
    if (!isOnGrid(m.grid, w.price) || !Number.isSafeInteger(w.size) || w.size <= 0) {
      suppress(w.j, w.side, 'invalid-input', `internal: price ${w.price} / size ${w.size} not a valid order`);
      continue;
    }
    const theoM = (m.theo as number) * MICROS_PER_DOLLAR;
    const fee = feePerContract(m.fees, 'maker', w.price, w.size);
    const edge = Math.floor(w.side === 'bid' ? theoM - w.price - fee : w.price - theoM - fee);
    quotes.push({ ticker: w.ticker, side: w.side, price: w.price, size: w.size, mode: w.mode, edge });
  }

  return {
    now: input.now,
    quotes,
    suppressed,
    exposure,
    markets: markets.map((m, j) => ({
      ticker: m.ticker,
      inventory: inventory[j] as number,
      breakEven: breakEven[j] as boolean,
    })),
  };
}

/**
 * Buying YES on every outcome pays exactly $1; selling YES on every outcome
 * costs exactly $1. If all N sides of one kind rest, their prices (with fees)
 * must not lock in a loss. The most aggressive non-break-even side backs off
 * one tick at a time.
 */
function enforceNoSureLoss(
  live: Working[],
  side: Side,
  markets: readonly MarketQuoteInput[],
  suppress: (j: number, side: Side, reason: SuppressReason, detail: string) => void,
): Working[] {
  let out = live;
  const fee = (w: Working) =>
    feeBoundPerContract((markets[w.j] as MarketQuoteInput).fees, 'maker', w.price, w.size);
  for (;;) {
    const legs = out.filter((w) => w.side === side);
    if (legs.length < markets.length) return out;
    const total = legs.reduce((s, w) => s + (side === 'bid' ? w.price + fee(w) : w.price - fee(w)), 0);
    const safe = side === 'bid' ? total < MICROS_PER_DOLLAR : total > MICROS_PER_DOLLAR;
    if (safe) return out;
    const pool = legs.some((w) => w.mode !== 'break-even')
      ? legs.filter((w) => w.mode !== 'break-even')
      : legs;
    // Most aggressive relative to its theo gives way first.
    const aggression = (w: Working) => {
      const theoM = ((markets[w.j] as MarketQuoteInput).theo as number) * MICROS_PER_DOLLAR;
      return side === 'bid' ? w.price - theoM : theoM - w.price;
    };
    const leg = pool.reduce((a, b) => (aggression(b) > aggression(a) ? b : a));
    const grid: TickGrid = (markets[leg.j] as MarketQuoteInput).grid;
    const p = side === 'bid' ? prevTick(grid, leg.price) : nextTick(grid, leg.price);
    if (p === null) {
      suppress(leg.j, side, 'cross-market', `${side}s across the game would lock in a loss`);
      out = out.filter((w) => w !== leg);
    } else leg.price = p;
  }
}
