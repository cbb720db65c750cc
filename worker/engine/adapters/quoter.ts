/**
 * The engine's Quoter port over shared/pricing/quote-game.ts.
 *
 * What this adapter adds around the pure quoteGame:
 * - the book WITHOUT our own resting orders (we must not compete with ourselves);
 * - competition detection per slot: we start at the monopsony quote and switch
 *   a side to competitive once someone else joins or outbids our resting price
 *   there ("sit and watch"). The memory FADES: a slot returns to monopsony
 *   `competitionMemoryMs` after the last time we saw it outbid (a rival that
 *   left must not keep us pinned to the top of book at thin edge forever);
 * - a sweep guard: when a side of a market was filled for at least `sweepSize`
 *   within `sweepWindowMs` and the theo has not been refreshed since, the theo is
 *   presumed stale (informed takers move first on news) and that side is pulled
 *   until a newer theo arrives or the window passes — we do not re-offer the same
 *   stale price to the slower insiders;
 * - pending exposure (sent/unacknowledged or uncertain orders) per side;
 * - tick grids per market (cached) and the series fee schedule.
 *
 * The competition and sweep memory is explicit: `quoteWithMemory(ctx, memory, settings)`
 * returns the quotes and the game's next memory, and `gameQuoter` (the port) only keeps each
 * game's memory between calls. Every length and threshold comes from the engine config's
 * `quoting` params (competitionMemoryMs, sweepSize, sweepWindowMs, sweepScope, sweepRelease).
 */

import { marketsCoverTheo } from '../../../shared/mapping/market-theo.ts';
import { QUADRATIC_FEES } from '../../../shared/pricing/fees.ts';
import { sweepLeanedTheo } from '../../../shared/pricing/flow-lean.ts';
import { leanedTheo, type NewsHold, type NewsRule } from '../../../shared/pricing/news-guard.ts';
import type { QuotingParams } from '../../../shared/pricing/params.ts';
import { type MarketQuoteInput, quoteGame } from '../../../shared/pricing/quote-game.ts';
import {
  type CompetitorAnchor,
  judgeCompetitor,
  nextAnchor,
} from '../../../shared/pricing/stale-competitor.ts';
import {
  mirrorMoves,
  type PositionMove,
  type SweepRule,
  type SweepScope,
  sweptSideOf,
} from '../../../shared/pricing/sweep-guard.ts';
import { EMPTY_THEO_VOL, stepTheoVol, type TheoVol, theoVolRule } from '../../../shared/pricing/theo-age.ts';
import { LINEAR_CENT_GRID, type TickGrid, tryMakeTickGrid } from '../../../shared/pricing/tick-grid.ts';
import {
  EMPTY_MARKET_TOXICITY,
  type MarketToxicity,
  stepMarketToxicity,
  type ToxicityRule,
} from '../../../shared/pricing/toxicity.ts';
import { liquidityQuoting } from '../liquidity-tape.ts';
import { othersBest } from '../own-book.ts';
import type {
  BookLevel,
  BookSide,
  GameQuotes,
  LiveOrder,
  MarketBook,
  QuoteContext,
  Quoter,
  SlotId,
} from '../ports.ts';
import { slotId } from '../ports.ts';
import { leanOnRivals, type RivalMarkouts } from './rival-guard.ts';
import { attachToxicity, gameEvidenceGamma, gameMinEdge, newsHolds } from './side-guards.ts';

/** Book levels minus our own resting size at each price. */
export function withoutOwn(levels: readonly BookLevel[], own: readonly LiveOrder[]): BookLevel[] {
  const mine = new Map<number, number>();
  for (const o of own) if (o.state === 'resting') mine.set(o.price, (mine.get(o.price) ?? 0) + o.remaining);
  return levels
    .map((l) => ({ price: l.price, size: l.size - (mine.get(l.price) ?? 0) }))
    .filter((l) => l.size > 0);
}

/** Has anyone else joined or beaten our resting price on this side? */
export function outbid(
  side: BookSide,
  othersBest: BookLevel | undefined,
  ours: LiveOrder | undefined,
): boolean {
  if (!othersBest || !ours || ours.state !== 'resting') return false;
  return side === 'bid' ? othersBest.price >= ours.price : othersBest.price <= ours.price;
}

export interface GameQuoterOptions {
  /** Quoting parameters, including the quoter's memory: competitionMemoryMs, sweep* (params.ts). */
  params: QuotingParams;
  /** Overrides params.competitionMemoryMs (tests). */
  competitionMemoryMs?: number;
  /** Overrides params.sweepSize (tests). */
  sweepSize?: number;
  /** Overrides params.sweepWindowMs (tests). */
  sweepWindowMs?: number;
  /** The feed whose public trades estimate each game's k and A (params.liquidityEstimate; liquidity-tape.ts). */
  tradeFeed?: Parameters<typeof liquidityQuoting>[1];
  /** Called when a market's price ranges are invalid (the 1¢ grid is used instead). */
  onBadGrid?: (ticker: string, error: string) => void;
}

export const DEFAULT_COMPETITION_MEMORY_MS = 60_000;
export const DEFAULT_SWEEP_SIZE = 1_000;
export const DEFAULT_SWEEP_WINDOW_MS = 30_000;

/**
 * The side to pull after a sweep, or null: the position moves seen since the
 * current theo (same updatedMs), within the window, add up to ≥ size one way
 * (the `leg` / `theo-update` guard; shared/pricing/sweep-guard.ts has both).
 */
export function sweptSide(
  moves: readonly Omit<PositionMove, 'theo'>[],
  now: number,
  theoMs: number,
  size: number,
  windowMs: number,
): 'bid' | 'ask' | null {
  const rule: SweepRule = { size, windowMs, release: 'theo-update', releaseMove: 0 };
  return sweptSideOf(
    moves.map((m) => ({ ...m, theo: Number.NaN })),
    now,
    theoMs,
    null,
    rule,
  );
}

/**
 * What the quoter remembers of one market between decisions. This is the whole of its
 * memory: the decision is `quoteWithMemory(ctx, memory) → { quotes, memory' }`.
 */
export interface MarketMemory {
  /** When each side was last seen outbid (undefined: not within competitionMemoryMs). */
  readonly bidOutbidMs: number | undefined;
  readonly askOutbidMs: number | undefined;
  /** Last position seen and its moves within the sweep window (sweep guard). */
  readonly lastPosition: number | undefined;
  readonly moves: readonly PositionMove[];
  /** Our fills' markouts against the theo, per direction (shared/pricing/toxicity.ts). */
  readonly toxicity: MarketToxicity;
  /** The others' best per side and the theo when it was first seen at that price (staleCompetitor). */
  readonly bidAnchor?: CompetitorAnchor | undefined;
  readonly askAnchor?: CompetitorAnchor | undefined;
  /** The direction held since a sweep across the game (news guard, shared/pricing/news-guard.ts). */
  readonly newsHold?: NewsHold | undefined;
  /** The theo's realised volatility (theo-age edge, shared/pricing/theo-age.ts); kept only while on. */
  readonly theoVol?: TheoVol | undefined;
  readonly rivals?: RivalMarkouts | undefined; // the others' quote marked out (rivalInformed, rival-guard.ts)
}

/** One game's memory, by market ticker. Never mutated: each decision returns a new one. */
export type GameMemory = ReadonlyMap<string, MarketMemory>;
export const EMPTY_GAME_MEMORY: GameMemory = new Map();

/** The quoter's settings, resolved once from the options (quoting params + test overrides). */
export interface QuoterSettings {
  params: QuotingParams;
  competitionMemoryMs: number;
  sweepRule: SweepRule;
  sweepScope: SweepScope;
  newsRule: NewsRule;
  toxicityRule: ToxicityRule;
  /** The tick grid of a market's price ranges (a cache is fine: same ranges, same grid). */
  gridOf: (ticker: string, ranges: MarketQuoteInputRanges) => TickGrid;
  /** A market's two slot ids (cached: the hot path would otherwise build the strings per decision). */
  slotsOf: (ticker: string) => Slots;
  /**
   * The last answer of `marketsCoverTheo` per game's markets list, with the theo's probabilities it was
   * for: both are replaced, never mutated, when they change (a listing, a new theo snapshot).
   */
  covers: WeakMap<
    readonly QuoteMarket[],
    { probabilities: Readonly<Record<string, number>>; covers: boolean }
  >;
}

type QuoteMarket = QuoteContext['game']['markets'][number];

/** Do the game's markets cover every outcome of the theo? Read once per (markets, theo snapshot). */
function coversTheo(
  markets: readonly QuoteMarket[],
  probabilities: Readonly<Record<string, number>>,
  settings: QuoterSettings,
): boolean {
  const hit = settings.covers.get(markets);
  if (hit && hit.probabilities === probabilities) return hit.covers;
  const covers = marketsCoverTheo(
    markets.map((m) => m.outcome),
    Object.keys(probabilities),
  );
  settings.covers.set(markets, { probabilities, covers });
  return covers;
}

interface Slots {
  bid: SlotId;
  ask: SlotId;
}

export function quoterSettings(opts: GameQuoterOptions): QuoterSettings {
  const p = opts.params;
  const grids = new Map<string, { ranges: MarketQuoteInputRanges; grid: TickGrid }>();
  const slots = new Map<string, Slots>();
  const build = (ticker: string, ranges: MarketQuoteInputRanges): TickGrid => {
    if (ranges && ranges.length > 0) {
      const r = tryMakeTickGrid(ranges);
      if (r.ok) return r.grid;
      opts.onBadGrid?.(ticker, r.error);
    }
    return LINEAR_CENT_GRID;
  };
  return {
    params: p,
    competitionMemoryMs: opts.competitionMemoryMs ?? p.competitionMemoryMs ?? DEFAULT_COMPETITION_MEMORY_MS,
    sweepRule: {
      size: opts.sweepSize ?? p.sweepSize ?? DEFAULT_SWEEP_SIZE,
      windowMs: opts.sweepWindowMs ?? p.sweepWindowMs ?? DEFAULT_SWEEP_WINDOW_MS,
      release: p.sweepRelease ?? 'theo-update',
      releaseMove: Math.max(p.minEdge, 1) / 1_000_000,
    },
    sweepScope: p.sweepScope ?? 'leg',
    newsRule: {
      sweepSize: p.newsSweepSize ?? 0,
      windowMs: p.newsWindowMs ?? 5_000,
      holdMs: p.newsHoldMs ?? 120_000,
      releaseMove: Math.max(p.minEdge, 1) / 1_000_000,
    },
    toxicityRule: {
      horizonMs: p.toxicityHorizonMs,
      halfLifeMs: p.toxicityHalfLifeMs,
      priorContracts: p.toxicityPriorContracts,
      priorAdverse: p.toxicityPriorAdverse,
    },
    // The session hands a new ranges array when Kalshi changes the market's tick structure.
    gridOf: (ticker, ranges) => {
      const hit = grids.get(ticker);
      if (hit && hit.ranges === ranges) return hit.grid;
      const grid = build(ticker, ranges);
      grids.set(ticker, { ranges, grid });
      return grid;
    },
    covers: new WeakMap(),
    slotsOf: (ticker) => {
      let hit = slots.get(ticker);
      if (!hit) {
        hit = { bid: slotId(ticker, 'bid'), ask: slotId(ticker, 'ask') };
        slots.set(ticker, hit);
      }
      return hit;
    },
  };
}

/** Competition memory of one side: refreshed when outbid now, faded after `memoryMs`. */
function judgeOutbid(seenOutbid: number | undefined, isOutbid: boolean, now: number, memoryMs: number) {
  const seen = isOutbid ? now : seenOutbid;
  return seen !== undefined && now - seen < memoryMs ? seen : undefined;
}

/**
 * One decision for one game, pure: the quotes for `ctx` given what was remembered, and what
 * to remember next. The same (ctx, memory) always gives the same result.
 */
export function quoteWithMemory(
  ctx: QuoteContext,
  memory: GameMemory,
  settings: QuoterSettings,
): { quotes: GameQuotes; memory: GameMemory } {
  const own = ctx.ownOrders;
  const gameMarkets = ctx.game.markets;
  const n = gameMarkets.length;
  const next: MarketMemory[] = new Array(n);
  const markets: MarketQuoteInput[] = new Array(n);
  // Moves are kept for the longer of the two guards' windows; each guard reads its own.
  const windowMs = Math.max(settings.sweepRule.windowMs, settings.newsRule.windowMs);
  // Rare (a stale competitor, a sweep): allocated only when one happens.
  let staleReasons: string[] | null = null;
  const ageOn = settings.params.theoAgeEdge > 0;
  const leanShift = (settings.params.newsLean * Math.max(settings.params.minEdge, 1)) / 1_000_000;
  const unleaned: (number | null)[] | null = leanShift > 0 ? new Array(n) : null;
  const volRule = ageOn ? theoVolRule(settings.params) : null;
  for (let i = 0; i < n; i++) {
    const m = gameMarkets[i]!;
    const prev = memory.get(m.ticker);
    const book: MarketBook | undefined = ctx.books.get(m.ticker);
    const bestBid = book ? othersBest(book.bids, own, m.ticker, 'bid') : null;
    const bestAsk = book ? othersBest(book.asks, own, m.ticker, 'ask') : null;
    let ourBid: LiveOrder | undefined;
    let ourAsk: LiveOrder | undefined;
    let pendingBid = 0;
    let pendingAsk = 0;
    for (const o of own) {
      if (o.ticker !== m.ticker) continue;
      if (o.side === 'bid') {
        ourBid ??= o;
        if (o.state !== 'resting') pendingBid += o.remaining;
      } else {
        ourAsk ??= o;
        if (o.state !== 'resting') pendingAsk += o.remaining;
      }
    }
    const bidOutbidMs = judgeOutbid(
      prev?.bidOutbidMs,
      outbid('bid', bestBid ?? undefined, ourBid),
      ctx.now,
      settings.competitionMemoryMs,
    );
    const askOutbidMs = judgeOutbid(
      prev?.askOutbidMs,
      outbid('ask', bestAsk ?? undefined, ourAsk),
      ctx.now,
      settings.competitionMemoryMs,
    );
    const consensus = ctx.theo.probabilities[m.outcome] ?? null;
    // News guard: leaned towards the sharp book while other books lag it (off at sharpLean 0).
    const theo =
      consensus === null
        ? null
        : leanedTheo(consensus, ctx.theo.sharpLean?.[m.outcome], settings.params.sharpLean ?? 0);
    const position = ctx.positions.get(m.ticker) ?? 0;
    // Sweep guard memory: moves within the window, plus this decision's position change.
    let moves: readonly PositionMove[] = prev?.moves ?? [];
    if (moves.length > 0 && moves.some((x) => ctx.now - x.t >= windowMs))
      moves = moves.filter((x) => ctx.now - x.t < windowMs);
    const last = prev?.lastPosition;
    const filled = last !== undefined && position !== last;
    if (filled)
      moves = moves.concat({
        t: ctx.now,
        delta: position - last,
        theoMs: ctx.theo.updatedMs,
        theo: theo ?? Number.NaN,
      });
    // A position change is marked as a fill at the theo of this decision (the theo it was quoted on).
    const tox = stepMarketToxicity(
      prev?.toxicity ?? EMPTY_MARKET_TOXICITY,
      ctx.now,
      theo,
      filled ? { t: ctx.now, contracts: (position - last) / 100, theo: theo ?? Number.NaN } : null,
      settings.toxicityRule,
    );
    // Stale competitor: a side whose rival level has not moved while the theo moved against it.
    let bidFollow = bidOutbidMs !== undefined;
    let askFollow = askOutbidMs !== undefined;
    let bidAnchor: CompetitorAnchor | undefined;
    let askAnchor: CompetitorAnchor | undefined;
    if (settings.params.staleCompetitor) {
      bidAnchor = nextAnchor(prev?.bidAnchor, bestBid, theo);
      askAnchor = nextAnchor(prev?.askAnchor, bestAsk, theo);
      const move = Math.max(settings.params.minEdge, 1) / 1_000_000;
      for (const [side, anchor] of [
        ['bid', bidAnchor],
        ['ask', askAnchor],
      ] as const) {
        if (side === 'bid' ? !bidFollow : !askFollow) continue;
        const verdict = judgeCompetitor(side, anchor, theo, move);
        if (verdict.follow) continue;
        if (side === 'bid') bidFollow = false;
        else askFollow = false;
        staleReasons ??= [];
        staleReasons.push(`${m.ticker} ${side}: stale competitor (${verdict.detail})`);
      }
    }
    next[i] = {
      bidOutbidMs,
      askOutbidMs,
      lastPosition: position,
      moves,
      toxicity: tox,
      bidAnchor,
      askAnchor,
      newsHold: prev?.newsHold,
      theoVol: ageOn
        ? stepTheoVol(prev?.theoVol ?? EMPTY_THEO_VOL, consensus, ctx.theo.updatedMs, volRule!)
        : undefined,
    };
    if (unleaned) unleaned[i] = theo;
    markets[i] = {
      ticker: m.ticker,
      outcome: m.outcome,
      grid: settings.gridOf(m.ticker, m.priceRanges),
      theo: unleaned ? sweepLeanedTheo(theo, prev?.newsHold, ctx.now, settings.newsRule, leanShift) : theo,
      fees: ctx.game.fees ?? QUADRATIC_FEES,
      book: { bestBid, bestAsk },
      competition: { bid: bidFollow, ask: askFollow },
      position,
      avgEntry: ctx.entryPrices.get(m.ticker) ?? null,
      pending: { bid: pendingBid, ask: pendingAsk },
    };
  }
  // The minimum edge follows the theo's quality and age (side-guards.ts); the params object is reused when flat.
  const base = settings.params;
  const theos = leanOnRivals(markets, next, memory, ctx.now, settings, unleaned);
  const minEdge = gameMinEdge(base, ctx.theo, next, ctx.now);
  // A 3-way book listed without a TIE market: the two winners are no hedge (both lose on a draw).
  const exhaustive = coversTheo(gameMarkets, ctx.theo.probabilities, settings);
  if ((base.toxicityTaper && base.taperAddingSide) || base.toxicityEdge)
    attachToxicity(markets, next, exhaustive, ctx.now, settings);
  const gamma = base.skewEvidence
    ? gameEvidenceGamma(base, minEdge, markets, next, ctx.limit, ctx.now, settings)
    : base.gamma;
  const decision = quoteGame({
    now: ctx.now,
    stopTime: ctx.stopAtMs,
    params: minEdge === base.minEdge && gamma === base.gamma ? base : { ...base, minEdge, gamma },
    limit: ctx.limit,
    exhaustive,
    markets,
  });
  const modes: Partial<Record<SlotId, string>> = {};
  const reasons: string[] = [];
  // Sweep guard: only ever removes quotes (never adds exposure).
  let pulled: Set<SlotId> | null = null; // rare: allocated on a sweep only
  let sweepReasons: string[] | null = null;
  let sweepModes: SlotId[] | null = null;
  // A two-way game covering both outcomes: a bid filled on one team is an ask filled on the other.
  const byGame = settings.sweepScope === 'game' && n === 2 && decision.exposure.length === 2;
  const size = settings.sweepRule.size;
  for (let i = 0; i < n; i++) {
    const m = gameMarkets[i]!;
    let list = next[i]!.moves;
    if (byGame) {
      const other = next[1 - i]!.moves;
      if (other.length > 0) list = list.concat(mirrorMoves(other));
    }
    if (list.length === 0) continue;
    const side = sweptSideOf(list, ctx.now, ctx.theo.updatedMs, markets[i]!.theo, settings.sweepRule);
    if (side === null) continue;
    const slot = settings.slotsOf(m.ticker)[side];
    pulled ??= new Set();
    pulled.add(slot);
    sweepModes ??= [];
    sweepModes.push(slot);
    sweepReasons ??= [];
    sweepReasons.push(
      byGame
        ? `${m.ticker} ${side}: swept (game filled ≥ ${size} this way since theo ${ctx.theo.updatedMs})`
        : `${m.ticker} ${side}: swept (filled ≥ ${size} since theo ${ctx.theo.updatedMs})`,
    );
  }
  // News guard: a sweep across the game holds its direction until the theo moves (off at newsSweepSize 0).
  if (settings.newsRule.sweepSize > 0) {
    for (const h of newsHolds(next, markets, exhaustive, ctx.now, ctx.theo.updatedMs, settings, theos)) {
      const slot = settings.slotsOf(h.ticker)[h.side];
      if (pulled?.has(slot)) continue;
      pulled ??= new Set();
      pulled.add(slot);
      sweepModes ??= [];
      sweepModes.push(slot);
      sweepReasons ??= [];
      sweepReasons.push(
        `${h.ticker} ${h.side}: news (game swept this way at ${h.sinceMs}; held until the theo moves)`,
      );
    }
  }
  const quotes: GameQuotes['quotes'] = [];
  for (const q of decision.quotes) {
    const slot = settings.slotsOf(q.ticker)[q.side];
    modes[slot] = q.mode;
    if (pulled?.has(slot)) continue;
    quotes.push({ ticker: q.ticker, side: q.side, price: q.price, size: q.size });
  }
  for (const s of decision.suppressed) {
    modes[settings.slotsOf(s.ticker)[s.side]] = `off:${s.reason}`;
    reasons.push(`${s.ticker} ${s.side}: ${s.reason} (${s.detail})`);
  }
  if (sweepModes) for (const slot of sweepModes) modes[slot] = 'off:swept';
  if (sweepReasons) for (const r of sweepReasons) reasons.push(r);
  if (staleReasons) for (const r of staleReasons) reasons.push(r);
  const nextMemory = new Map<string, MarketMemory>();
  for (let i = 0; i < n; i++) nextMemory.set(gameMarkets[i]!.ticker, next[i]!);
  return { quotes: { quotes, modes, reasons }, memory: nextMemory };
}

/**
 * The engine's Quoter port: `quoteWithMemory` with each game's memory kept here between
 * calls (the session asks for quotes with the context alone). `competition` lists the slots
 * judged competitive at each game's last decision (dashboard/tests).
 */
export function gameQuoter(opts: GameQuoterOptions): Quoter & { competition: ReadonlySet<SlotId> } {
  const settings = quoterSettings(opts);
  const tuned = liquidityQuoting(settings, opts.tradeFeed);
  const memory = new Map<string, GameMemory>();
  const competition = new Set<SlotId>();
  const quoter = (ctx: QuoteContext): GameQuotes => {
    const step = quoteWithMemory(ctx, memory.get(ctx.game.eventTicker) ?? EMPTY_GAME_MEMORY, tuned(ctx));
    memory.set(ctx.game.eventTicker, step.memory);
    for (const [ticker, mm] of step.memory) {
      const { bid, ask } = settings.slotsOf(ticker);
      if (mm.bidOutbidMs !== undefined) competition.add(bid);
      else competition.delete(bid);
      if (mm.askOutbidMs !== undefined) competition.add(ask);
      else competition.delete(ask);
    }
    return step.quotes;
  };
  // strikeParams: the session prices a game's strikes with this quoter's params (ladder-quotes.ts).
  return Object.assign(quoter, { competition, strikeParams: opts.params });
}

type MarketQuoteInputRanges = Parameters<Quoter>[0]['game']['markets'][number]['priceRanges'];
