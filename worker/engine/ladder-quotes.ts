/**
 * The strike markets' side of a requote (issue #17): which of a game's
 * mapped strikes it may quote, what each market pays on (for the payoff
 * gate), and the strikes' quotes. Pure.
 *
 * The engine's own quoter (`Quoter.strikeParams` set) prices each strike as
 * it prices a winner side (shared/pricing/strike-quote.ts: fee-aware model
 * spread, ceilings, competition, break-even) with the skew of the game's
 * payoff vector (shared/risk/payoff-skew.ts); a quoter without it (the
 * simulate baselines) gets `strikeQuotes`, a fixed distance around theo.
 *
 * A game's winner markets pay on the margin: home > 0, away < 0, a TIE
 * market = 0 (the `draw` contract), so a 3-way game is gated on its whole
 * book and its strikes are quoted like any other's (the strike fit is of a
 * margin that excludes 0 in every sport with ladders: a half-point strike is
 * priced the same, and the draw is in the payoff grid).
 * A strike is quoted only while its book is valid, and never at or through
 * the other side of the others' book (we only make).
 */
import type { BookLevel } from '../../shared/pricing/competitive.ts';
import { type FeeSchedule, QUADRATIC_FEES } from '../../shared/pricing/fees.ts';
import type { QuotingParams } from '../../shared/pricing/params.ts';
import { priceStrike } from '../../shared/pricing/strike-quote.ts';
import type { StrikeTheoRecord } from '../../shared/pricing/strike-record.ts';
import {
  LINEAR_CENT_GRID,
  type PriceRange,
  type TickGrid,
  tryMakeTickGrid,
} from '../../shared/pricing/tick-grid.ts';
import type { Contract, Holding } from '../../shared/risk/payoff.ts';
import { contractFromQuery } from '../../shared/risk/payoff.ts';
import { limitUse, type PayoffVector, payoffVector, sideSkews } from '../../shared/risk/payoff-skew.ts';
import {
  CENTIS_PER_CONTRACT,
  type Centis,
  MICROS_PER_CENT,
  MICROS_PER_DOLLAR,
  type Micros,
} from '../../shared/units.ts';
import type { GameState } from './game-state.ts';
import type { LadderMarket } from './ladder-markets.ts';
import { type IdleStrike, type StrikeQuoteInput, strikeQuoteInputs } from './ladder-theos.ts';
import { othersBest } from './own-book.ts';
import type { DesiredQuote, LiveOrder, MarketBook } from './ports.ts';
import type { PayoffLimit } from './risk-gate.ts';

/**
 * Every market of the game with what it pays on; a market that is neither team is the draw (a 3-way game's
 * TIE market: margin 0). Null when more than one market is neither team (not a game the payoff can read).
 * One map per listing of the game (its `game` and `ladder` are replaced, never changed, when a listing
 * moves): the payoff gate keeps its outcome axes per map (ladder-risk.ts `gameAxes`).
 */
export function gameContracts(g: GameState): ReadonlyMap<string, Contract> | null {
  const hit = contractsMemo.get(g);
  if (hit && hit.game === g.game && hit.ladder === g.ladder) return hit.contracts;
  const contracts = buildContracts(g);
  contractsMemo.set(g, { game: g.game, ladder: g.ladder, contracts });
  return contracts;
}

const contractsMemo = new WeakMap<
  GameState,
  { game: GameState['game']; ladder: GameState['ladder']; contracts: ReadonlyMap<string, Contract> | null }
>();

function buildContracts(g: GameState): Map<string, Contract> | null {
  const { homeTeam, awayTeam } = g.game;
  if (homeTeam === undefined || awayTeam === undefined) return null;
  const out = new Map<string, Contract>();
  let draws = 0;
  for (const m of g.game.markets) {
    if (m.outcome === homeTeam) out.set(m.ticker, { kind: 'winner', side: 'home' });
    else if (m.outcome === awayTeam) out.set(m.ticker, { kind: 'winner', side: 'away' });
    else if (++draws > 1) return null;
    else out.set(m.ticker, { kind: 'draw' });
  }
  for (const s of g.ladder?.mapped ?? [])
    if (!out.has(s.ticker)) out.set(s.ticker, contractFromQuery(s.query));
  return out;
}

/**
 * `strikeQuoteInputs` (ladder-theos.ts) kept per stored fit and strike listing: a game's fit is replaced
 * only by a newer one and its listing only when it moves, while its strikes are priced on every requote
 * (every book change) — refitting each strike from the same fit each time was a fifth of a ladder run's
 * CPU. Its answer is the same for the same fit and listing while the fit is fresh; a stale fit is judged
 * at `now` each time. Callers must not change the arrays they get.
 */
export function strikeInputsOf(
  record: StrikeTheoRecord | null,
  markets: readonly LadderMarket[],
  now: number,
  theoMaxAgeMs: number,
): { priced: StrikeQuoteInput[]; idle: IdleStrike[] } {
  if (!record || now - record.asOf > theoMaxAgeMs)
    return strikeQuoteInputs(record, markets, now, theoMaxAgeMs);
  let byListing = inputsMemo.get(record);
  if (!byListing) {
    byListing = new WeakMap();
    inputsMemo.set(record, byListing);
  }
  let inputs = byListing.get(markets);
  if (!inputs) {
    inputs = strikeQuoteInputs(record, markets, now, theoMaxAgeMs);
    byListing.set(markets, inputs);
  }
  return inputs;
}

const inputsMemo = new WeakMap<
  StrikeTheoRecord,
  WeakMap<readonly LadderMarket[], { priced: StrikeQuoteInput[]; idle: IdleStrike[] }>
>();

/** The strike tickers the requote loop quotes and gates with the game (empty: a winner-only game). */
export function quotedStrikes(g: GameState): string[] {
  if ((g.ladder?.mapped.length ?? 0) === 0 || gameContracts(g) === null) return [];
  return g.ladder!.mapped.map((m) => m.ticker).filter((t) => !g.tickers.includes(t));
}

/**
 * The game's payoff limit: its Centis limit read as dollars at risk (one
 * contract loses at most $1), the draw an outcome when the theo has one.
 */
export function payoffLimitOf(
  g: GameState,
  contracts: ReadonlyMap<string, Contract>,
  entryPrices: ReadonlyMap<string, Micros>,
  limit: Centis,
): PayoffLimit {
  const teams = new Set([g.game.homeTeam, g.game.awayTeam]);
  // No theo: count the draw (the more conservative grid); a listed TIE market always makes it an outcome.
  const ties =
    !g.theo ||
    Object.keys(g.theo.probabilities).some((o) => !teams.has(o)) ||
    [...contracts.values()].some((c) => c.kind === 'draw');
  return {
    contracts,
    entryPrices,
    limit: Math.floor((limit * MICROS_PER_DOLLAR) / CENTIS_PER_CONTRACT),
    ties,
  };
}

export interface StrikeQuoteParams {
  /** the normal edge, Micros */
  minEdge: Micros;
  /** size per side, Centis */
  size: Centis;
}

/** Bid and ask for each priced strike whose book is valid; a side that would cross its book is left out. */
export function strikeQuotes(
  priced: readonly StrikeQuoteInput[],
  books: ReadonlyMap<string, MarketBook | undefined>,
  params: StrikeQuoteParams,
): DesiredQuote[] {
  const out: DesiredQuote[] = [];
  if (params.size <= 0) return out;
  for (const p of priced) {
    const book = books.get(p.ticker);
    if (!book?.valid) continue;
    const theo = p.probability * MICROS_PER_DOLLAR;
    const edge = params.minEdge + Math.max(0, p.extraEdge) * MICROS_PER_DOLLAR;
    const bid = Math.floor((theo - edge) / MICROS_PER_CENT) * MICROS_PER_CENT;
    const ask = Math.ceil((theo + edge) / MICROS_PER_CENT) * MICROS_PER_CENT;
    const bestBid = book.bids[0]?.price;
    const bestAsk = book.asks[0]?.price;
    if (bid >= MICROS_PER_CENT && (bestAsk === undefined || bid < bestAsk))
      out.push({ ticker: p.ticker, side: 'bid', price: bid, size: params.size });
    if (ask <= MICROS_PER_DOLLAR - MICROS_PER_CENT && (bestBid === undefined || ask > bestBid))
      out.push({ ticker: p.ticker, side: 'ask', price: ask, size: params.size });
  }
  return out;
}

/** The fixed distance a quoter without a strike model quotes strikes at: the fixed-spread baseline's 3¢. */
export const FIXED_STRIKE_HALF_SPREAD: Micros = 30_000;

/** One strike as the model pricer needs it beyond its theo. */
export interface StrikeMarketInput {
  contract: Contract;
  priceRanges?: readonly PriceRange[];
  fees?: FeeSchedule;
}

export interface ModelStrikeQuoteInput {
  priced: readonly StrikeQuoteInput[];
  markets: ReadonlyMap<string, StrikeMarketInput>;
  books: ReadonlyMap<string, MarketBook | undefined>;
  /** our live orders on the game's markets (taken out of the books) */
  own: readonly LiveOrder[];
  /** the game's payoff: every market's contract (winner and strikes), positions and average entries */
  payoff: PayoffLimit;
  positions: ReadonlyMap<string, Centis>;
  params: QuotingParams;
  /** size per side, Centis */
  size: Centis;
}

const grids = new WeakMap<readonly PriceRange[], TickGrid>();
function gridOf(ranges: readonly PriceRange[] | undefined): TickGrid {
  if (!ranges) return LINEAR_CENT_GRID;
  let g = grids.get(ranges);
  if (!g) {
    const r = tryMakeTickGrid(ranges);
    g = r.ok ? r.grid : LINEAR_CENT_GRID;
    grids.set(ranges, g);
  }
  return g;
}

/** The game's holdings as the payoff reads them: an unknown entry at the price that loses most. */
function holdingsOf(payoff: PayoffLimit, positions: ReadonlyMap<string, Centis>): Holding[] {
  const out: Holding[] = [];
  for (const [ticker, position] of positions) {
    const contract = payoff.contracts.get(ticker);
    if (!contract || position === 0) continue;
    const price = payoff.entryPrices.get(ticker) ?? (position > 0 ? MICROS_PER_DOLLAR : 0);
    out.push({ ticker, contract, position, price: Math.round(price) });
  }
  return out;
}

/**
 * The payoff vector of a book, memoised on its holdings and contracts: a game is requoted on every book
 * change, its positions change only on fills (a few hundred distinct books a session, not thousands).
 * Kept per contracts map (one per game listing, ladder-quotes.ts `gameContracts`): a holding's contract
 * is its ticker's in that map, so ticker, size and entry name the book.
 */
const vectors = new WeakMap<ReadonlyMap<string, Contract>, Map<string, PayoffVector>>();
const skewMemo = new WeakMap<PayoffVector, Map<string, ReturnType<typeof sideSkews>>>();
function cachedVector(holdings: readonly Holding[], payoff: PayoffLimit): PayoffVector {
  let books = vectors.get(payoff.contracts);
  if (!books) {
    books = new Map();
    vectors.set(payoff.contracts, books);
  }
  let key = `${payoff.ties}|`;
  for (const h of holdings) key += `${h.ticker}:${h.position}@${h.price};`;
  let v = books.get(key);
  if (!v) {
    if (books.size >= 256) books.clear();
    v = payoffVector(holdings, [...payoff.contracts.values()], { ties: payoff.ties });
    books.set(key, v);
  }
  return v;
}

/**
 * The engine's strike quotes: each priced strike with a valid book, priced by
 * `priceStrike` with the skew of the game's payoff vector (the side that lowers
 * the game's worst case a better price, the side that raises it a worse one),
 * break-even once the game uses `breakEvenShare` of its limit.
 */
export function modelStrikeQuotes(input: ModelStrikeQuoteInput): DesiredQuote[] {
  const out: DesiredQuote[] = [];
  if (input.size <= 0 || input.priced.length === 0) return out;
  const { payoff, params } = input;
  const vector = cachedVector(holdingsOf(payoff, input.positions), payoff);
  const breakEven = limitUse(vector, payoff.limit) >= params.breakEvenShare && vector.worstCaseLoss > 0;
  const own = ordersByTicker(input.own);
  for (const p of input.priced) {
    const book = input.books.get(p.ticker);
    const market = input.markets.get(p.ticker);
    if (!book?.valid || !market) continue;
    const position = input.positions.get(p.ticker) ?? 0;
    const avgEntry = payoff.entryPrices.get(p.ticker) ?? null;
    const mine = own.get(p.ticker) ?? NO_ORDERS;
    const bestBid = othersBest(book.bids, mine, p.ticker, 'bid');
    const bestAsk = othersBest(book.asks, mine, p.ticker, 'ask');
    // A game requotes on every book change of any of its markets: most strikes' inputs did not move.
    const last = pricedMemo.get(p);
    let priced: ReturnType<typeof priceStrike>;
    if (
      last !== undefined &&
      last.vector === vector &&
      last.params === params &&
      last.limit === payoff.limit &&
      last.contract === market.contract &&
      last.ranges === market.priceRanges &&
      last.fees === market.fees &&
      last.probability === p.probability &&
      last.extraEdge === p.extraEdge &&
      last.position === position &&
      last.avgEntry === avgEntry &&
      last.size === input.size &&
      sameLevel(last.bestBid, bestBid) &&
      sameLevel(last.bestAsk, bestAsk)
    )
      priced = last.priced;
    else {
      priced = priceModelStrike(input, vector, breakEven, p, market, position, avgEntry, bestBid, bestAsk);
      pricedMemo.set(p, {
        vector,
        params,
        limit: payoff.limit,
        contract: market.contract,
        ranges: market.priceRanges,
        fees: market.fees,
        probability: p.probability,
        extraEdge: p.extraEdge,
        position,
        avgEntry,
        size: input.size,
        bestBid,
        bestAsk,
        priced,
      });
    }
    for (const side of ['bid', 'ask'] as const) {
      const q = priced[side];
      if (q) out.push({ ticker: p.ticker, side, price: q.price, size: input.size });
    }
  }
  return out;
}

/**
 * One strike's last prices and every input they were priced from (`priceStrike` is pure, and its skew and
 * break-even follow from the payoff vector, the params and the limit), kept per strike input (one object
 * per stored fit and listing, ladder-quotes.ts `strikeInputsOf`).
 */
interface PricedStrike {
  vector: PayoffVector;
  params: QuotingParams;
  limit: Micros;
  contract: Contract;
  ranges: readonly PriceRange[] | undefined;
  fees: FeeSchedule | undefined;
  probability: number;
  extraEdge: number;
  position: Centis;
  avgEntry: Micros | null;
  size: Centis;
  bestBid: BookLevel | null;
  bestAsk: BookLevel | null;
  priced: ReturnType<typeof priceStrike>;
}
const pricedMemo = new WeakMap<StrikeQuoteInput, PricedStrike>();

const NO_ORDERS: readonly LiveOrder[] = [];
/** Our orders per market (each strike's book is cleaned of its own only). */
function ordersByTicker(own: readonly LiveOrder[]): ReadonlyMap<string, readonly LiveOrder[]> {
  const index = new Map<string, LiveOrder[]>();
  for (const o of own) {
    const list = index.get(o.ticker);
    if (list) list.push(o);
    else index.set(o.ticker, [o]);
  }
  return index;
}

const sameLevel = (a: BookLevel | null, b: BookLevel | null): boolean =>
  a === null || b === null ? a === b : a.price === b.price && a.size === b.size;

/** `priceStrike` for one strike with the skew of the game's payoff vector. */
function priceModelStrike(
  input: ModelStrikeQuoteInput,
  vector: PayoffVector,
  breakEven: boolean,
  p: StrikeQuoteInput,
  market: StrikeMarketInput,
  position: Centis,
  avgEntry: Micros | null,
  bestBid: BookLevel | null,
  bestAsk: BookLevel | null,
): ReturnType<typeof priceStrike> {
  const { payoff, params } = input;
  const theo = p.probability * MICROS_PER_DOLLAR;
  let skews = skewMemo.get(vector);
  if (!skews) {
    skews = new Map();
    skewMemo.set(vector, skews);
  }
  const key = `${p.ticker}|${theo}|${params.linearSkewAtLimit}|${payoff.limit}|${params.sizeStep}`;
  let skew = skews.get(key);
  if (!skew) {
    skew = sideSkews(vector, market.contract, theo, {
      skewAtLimit: params.linearSkewAtLimit,
      limit: payoff.limit,
      lot: params.sizeStep,
    });
    skews.set(key, skew);
  }
  return priceStrike(
    {
      theo: p.probability,
      extraEdge: p.extraEdge,
      grid: gridOf(market.priceRanges),
      fees: market.fees ?? QUADRATIC_FEES,
      book: { bestBid, bestAsk },
      skew: { bid: skew.bid.edge, ask: skew.ask.edge },
      position,
      avgEntry,
      breakEven: {
        bid: breakEven && skew.bid.effect === 'reduces',
        ask: breakEven && skew.ask.effect === 'reduces',
      },
      size: input.size,
    },
    params,
  );
}
