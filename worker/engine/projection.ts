/**
 * The dashboard's projection of the session: the view types and the maths of
 * what a trader watches (per-game PnL, slots, modes), computed from read-only
 * session state. Nothing here changes the session; `TradingSession.snapshot()`
 * gathers the inputs and calls `projectSnapshot`.
 */
import { gameStartTime } from '../../shared/risk/stop-rule.ts';
import { type Centis, MICROS_PER_DOLLAR, type Micros, notionalMicros } from '../../shared/units.ts';
import { signedInventory } from './exposure.ts';
import type { GameState, GameStatus } from './game-state.ts';
import type { Inventory } from './inventory.ts';
import type { KillState } from './kill-switch.ts';
import type { BookSide, LiveOrder, MarketBook, SlotId } from './ports.ts';

export interface FillView {
  atMs: number;
  eventTicker: string;
  ticker: string;
  side: BookSide;
  price: Micros;
  count: Centis;
  tradeId: string;
}

export interface Alert {
  atMs: number;
  level: 'warn' | 'error';
  message: string;
}

export interface SlotView {
  price: Micros;
  size: Centis;
  state: string;
}

export interface MarketView {
  ticker: string;
  outcome: string;
  theo: number | null;
  bestBid: Micros | null;
  bestBidSize: Centis;
  bestAsk: Micros | null;
  bestAskSize: Centis;
  position: Centis;
  ourBid: SlotView | null;
  ourAsk: SlotView | null;
  modeBid: string | null;
  modeAsk: string | null;
}

export interface GameView {
  eventTicker: string;
  title: string;
  sport: string;
  homeTeam: string | null;
  awayTeam: string | null;
  startMs: number | null;
  stopAtMs: number | null;
  status: GameStatus;
  /** Since when nothing of the game has rested while its reason was not idle by design (liveness guard). */
  idleSinceMs?: number | null;
  theo: { probabilities: Record<string, number>; ageMs: number; books: number } | null;
  markets: MarketView[];
  inventory: Centis;
  limit: Centis;
  /**
   * The highest limit since the game's start: the gate bounds by the depth-based limit of the
   * moment, so a position reached under a raised limit is within bounds after it falls again.
   */
  maxLimit?: Centis;
  pnl: { realised: Micros; marked: Micros };
  reasons: string[];
}

export interface SessionSnapshot {
  atMs: number;
  connection: { state: 'up' | 'down'; sinceMs: number };
  kill: KillState;
  games: GameView[];
  unmatched: { eventTicker: string; title: string; reason: string }[];
  fills: FillView[];
  drift: { atMs: number; ticker: string; local: Centis; exchange: Centis }[];
  counters: Record<string, number>;
  alerts: Alert[];
  pnl: { realised: Micros; marked: Micros };
}

export type SessionEvent =
  | { type: 'fill'; fill: FillView }
  | { type: 'quote'; eventTicker: string }
  | { type: 'alert'; alert: Alert }
  | { type: 'kill'; state: KillState }
  | { type: 'connection'; state: 'up' | 'down' }
  | { type: 'reconciled'; changes: number }
  /** The lifecycle channel said a market of one of our games is determined or settled. */
  | { type: 'settled'; ticker: string; eventTicker: string; kind: 'determined' | 'settled' };

/** Everything the projection reads, none of it written. */
export interface ProjectionInput {
  now: number;
  games: Iterable<Readonly<GameState>>;
  inventory: Pick<Inventory, 'positions' | 'realised' | 'entry'>;
  book(ticker: string): MarketBook | undefined;
  /** The orders the session tracks (resting, pending, uncertain). */
  orders: readonly LiveOrder[];
  /** Liveness guard: since when the game has had nothing resting while not idle by design. */
  idleSinceMs(eventTicker: string): number | null;
  connection: SessionSnapshot['connection'];
  kill: KillState;
  unmatched: SessionSnapshot['unmatched'];
  fills: readonly FillView[];
  drift: SessionSnapshot['drift'];
  counters: Record<string, number>;
  alerts: readonly Alert[];
}

/** The dashboard's view model: everything a trader watches, as plain data (copies, never the session's own). */
export function projectSnapshot(input: ProjectionInput): SessionSnapshot {
  const { now } = input;
  // Our order per slot, the first the session tracks (as a scan would find it): one pass, not one per slot.
  const ours = new Map<string, SlotView>();
  for (const o of input.orders) {
    const k = `${o.ticker}|${o.side}`;
    if (!ours.has(k)) ours.set(k, { price: o.price, size: o.remaining, state: o.state });
  }
  const games: GameView[] = [];
  let realisedAll = 0;
  let markedAll = 0;
  for (const g of input.games) {
    const positions = input.inventory.positions(g.tickers);
    const { realised, marked } = gamePnl(g, input.inventory, positions);
    // A plain loop, no closure per market: this runs for the dashboard and the recorder's samples.
    const markets: MarketView[] = [];
    for (const mk of g.game.markets) {
      const b = input.book(mk.ticker);
      const p = g.theo?.probabilities[mk.outcome] ?? null;
      const pos = positions.get(mk.ticker) ?? 0;
      const bidKey = `${mk.ticker}|bid`;
      const askKey = `${mk.ticker}|ask`;
      markets.push({
        ticker: mk.ticker,
        outcome: mk.outcome,
        theo: p,
        bestBid: b?.bids[0]?.price ?? null,
        bestBidSize: b?.bids[0]?.size ?? 0,
        bestAsk: b?.asks[0]?.price ?? null,
        bestAskSize: b?.asks[0]?.size ?? 0,
        position: pos,
        ourBid: slotView(ours.get(bidKey)),
        ourAsk: slotView(ours.get(askKey)),
        modeBid: modeOf(g, bidKey),
        modeAsk: modeOf(g, askKey),
      });
    }
    realisedAll += realised;
    markedAll += marked;
    games.push({
      eventTicker: g.game.eventTicker,
      title: g.game.title,
      sport: g.sport,
      homeTeam: g.game.homeTeam ?? null,
      awayTeam: g.game.awayTeam ?? null,
      startMs: gameStartTime({ kalshiStart: g.game.kalshiStartMs, oddsCommence: g.game.oddsCommenceMs }),
      stopAtMs: g.stopAtMs,
      status: g.status,
      idleSinceMs: input.idleSinceMs(g.game.eventTicker),
      theo: g.theo
        ? { probabilities: { ...g.theo.probabilities }, ageMs: now - g.theo.updatedMs, books: g.theo.books }
        : null,
      markets,
      inventory: signedInventory(g.tickers, positions),
      limit: g.limit,
      maxLimit: Math.max(g.maxLimit, g.limit),
      pnl: { realised, marked },
      reasons: g.lastQuotes?.reasons ?? [],
    });
  }
  return {
    atMs: now,
    connection: { ...input.connection },
    kill: input.kill,
    games,
    unmatched: [...input.unmatched],
    fills: [...input.fills],
    drift: [...input.drift],
    counters: { ...input.counters },
    alerts: [...input.alerts],
    pnl: { realised: realisedAll, marked: markedAll },
  };
}

/** A game's realised PnL and its positions marked at the theo against their entry (Micros). */
function gamePnl(
  g: Readonly<GameState>,
  inventory: ProjectionInput['inventory'],
  positions: ReadonlyMap<string, Centis>,
): { realised: Micros; marked: Micros } {
  let realised = 0;
  let marked = 0;
  for (const mk of g.game.markets) {
    const p = g.theo?.probabilities[mk.outcome] ?? null;
    realised += inventory.realised(mk.ticker);
    const entry = inventory.entry(mk.ticker);
    if (p !== null && entry !== null)
      marked += notionalMicros(Math.round(p * MICROS_PER_DOLLAR) - entry, positions.get(mk.ticker) ?? 0);
  }
  return { realised, marked };
}

/** What the heartbeat reports of each game: the snapshot's figures, without the dashboard's views. */
export interface GameHealth {
  eventTicker: string;
  status: GameStatus;
  stopAtMs: number | null;
  /** Age of the game's theo, or null with none. */
  theoAgeMs: number | null;
  inventory: Centis;
}

export interface SessionHealth {
  games: GameHealth[];
  pnl: { realised: Micros; marked: Micros };
}

/**
 * The heartbeat's part of `projectSnapshot` (its games' status, theo age, stop and inventory, and
 * the PnL totals), by the same maths, alone: a heartbeat need not copy the fills, alerts, books and
 * slots of a snapshot nobody reads.
 */
export function projectHealth(input: Pick<ProjectionInput, 'now' | 'games' | 'inventory'>): SessionHealth {
  const games: GameHealth[] = [];
  let realisedAll = 0;
  let markedAll = 0;
  for (const g of input.games) {
    const positions = input.inventory.positions(g.tickers);
    const { realised, marked } = gamePnl(g, input.inventory, positions);
    realisedAll += realised;
    markedAll += marked;
    games.push({
      eventTicker: g.game.eventTicker,
      status: g.status,
      stopAtMs: g.stopAtMs,
      theoAgeMs: g.theo ? input.now - g.theo.updatedMs : null,
      inventory: signedInventory(g.tickers, positions),
    });
  }
  return { games, pnl: { realised: realisedAll, marked: markedAll } };
}

/** A market's prices and our quotes: `MarketView`'s part a run recorder reads. */
export type MarketQuotes = Pick<
  MarketView,
  'ticker' | 'theo' | 'bestBid' | 'bestBidSize' | 'bestAsk' | 'bestAskSize' | 'ourBid' | 'ourAsk'
>;

/** A game's limits and its markets' quotes: `GameView`'s part a run recorder reads. */
export interface GameQuotes extends Pick<GameView, 'eventTicker' | 'limit' | 'maxLimit'> {
  markets: MarketQuotes[];
}

/**
 * The snapshot's games in the fields a run recorder samples (sim/backtest/recorder-view.ts), by the same
 * rules, alone: a sample every few seconds need not copy fills, alerts, theos, PnL and modes.
 */
export function projectQuotes(input: Pick<ProjectionInput, 'games' | 'book' | 'orders'>): GameQuotes[] {
  const ours = new Map<string, SlotView>();
  for (const o of input.orders) {
    const k = `${o.ticker}|${o.side}`;
    if (!ours.has(k)) ours.set(k, { price: o.price, size: o.remaining, state: o.state });
  }
  const games: GameQuotes[] = [];
  for (const g of input.games) {
    const markets: MarketQuotes[] = [];
    for (const mk of g.game.markets) {
      const b = input.book(mk.ticker);
      markets.push({
        ticker: mk.ticker,
        theo: g.theo?.probabilities[mk.outcome] ?? null,
        bestBid: b?.bids[0]?.price ?? null,
        bestBidSize: b?.bids[0]?.size ?? 0,
        bestAsk: b?.asks[0]?.price ?? null,
        bestAskSize: b?.asks[0]?.size ?? 0,
        ourBid: slotView(ours.get(`${mk.ticker}|bid`)),
        ourAsk: slotView(ours.get(`${mk.ticker}|ask`)),
      });
    }
    games.push({
      eventTicker: g.game.eventTicker,
      limit: g.limit,
      maxLimit: Math.max(g.maxLimit, g.limit),
      markets,
    });
  }
  return games;
}

/** Each game's quoting reason and its sides' quoter modes: the liveness sample's part of the snapshot, alone. */
export interface GameModes {
  eventTicker: string;
  status: GameStatus;
  markets: { ticker: string; modeBid: string | null; modeAsk: string | null }[];
}

export function projectModes(games: Iterable<Readonly<GameState>>): GameModes[] {
  const out: GameModes[] = [];
  for (const g of games)
    out.push({
      eventTicker: g.game.eventTicker,
      status: g.status,
      markets: g.game.markets.map((mk) => ({
        ticker: mk.ticker,
        modeBid: modeOf(g, `${mk.ticker}|bid`),
        modeAsk: modeOf(g, `${mk.ticker}|ask`),
      })),
    });
  return out;
}

const slotView = (v: SlotView | undefined): SlotView | null => (v ? { ...v } : null);

/** The quoter's mode for a slot, unless the risk gate denied it. */
function modeOf(g: Readonly<GameState>, key: string): string | null {
  return g.denied?.has(key) ? null : (g.lastQuotes?.modes[key as SlotId] ?? null);
}
