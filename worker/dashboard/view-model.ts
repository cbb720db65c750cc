/**
 * What the dashboard shows, as one validated document. The trading session's
 * own snapshot is adapted into this shape (`adapt-session.ts`), so the page and
 * the server depend on this contract only. Money is integer Micros, sizes
 * integer Centis, time epoch milliseconds; the page formats them.
 */
import { z } from 'zod';

const micros = z.number().int();
const centis = z.number().int();
const epochMs = z.number().int().nonnegative();

export const zSide = z.enum(['bid', 'ask']);

/** A price level of the exchange book, on the YES price scale. */
export const zLevel = z.object({ price: micros, size: centis.nonnegative() });

/** One of our quotes: what rests (or is in flight) on one side of one market. */
export const zOurQuote = z.object({
  price: micros,
  size: centis.nonnegative(),
  /** `pending` = sent, not yet acknowledged; `uncertain` = outcome unknown until reconciliation. */
  status: z.enum(['resting', 'pending', 'uncertain']),
});

/** How a side was priced ("monopsony", "competitive", "ceiling", "break-even", …); null when not quoted. */
export const zQuoteMode = z.string().min(1).nullable();

export const zMarketView = z.object({
  ticker: z.string().min(1),
  /** The outcome this market's YES pays on: a team name or "Tie". */
  outcome: z.string(),
  /** Fair probability of YES, in (0, 1); null without a usable theo. */
  theo: z.number().gt(0).lt(1).nullable(),
  /** Best levels first: bids descending, asks ascending. */
  bids: z.array(zLevel),
  asks: z.array(zLevel),
  ours: z.object({ bid: zOurQuote.nullable(), ask: zOurQuote.nullable() }),
  modes: z.object({ bid: zQuoteMode, ask: zQuoteMode }),
});

/** The game's quoting reason (shared/liveness/quoting-state.ts: "quoting", "no-theo", "theo-stale", "group-tripped", …), or "paused". */
export const zGameState = z.string().min(1);

export const zGameView = z.object({
  id: z.string().min(1),
  sport: z.string(),
  title: z.string(),
  teams: z.array(z.string()).min(2),
  startTime: epochMs,
  /** IANA zone the game is played in (chart axes show it beside UTC); absent: US Eastern. */
  timeZone: z.string().min(1).optional(),
  /** After this, nothing of ours rests on the game. */
  stopTime: epochMs,
  state: zGameState,
  /** Why the game is not quoting normally (stale theo, paused by trader, …). */
  reasons: z.array(z.string()),
  theo: z
    .object({
      asOf: epochMs,
      /** How many sportsbooks contributed. */
      books: z.number().int().nonnegative(),
    })
    .nullable(),
  markets: z.array(zMarketView).min(1),
  /** One signed inventory per game: + long the first team. */
  inventory: centis,
  inventoryLimit: centis.nonnegative(),
  /** The highest limit since the game's start (a run's recorder judges breaches by it). */
  inventoryLimitMax: centis.nonnegative().optional(),
  pnlRealized: micros,
  pnlMarked: micros,
});

export const zFillView = z.object({
  tradeId: z.string(),
  time: epochMs,
  gameId: z.string(),
  ticker: z.string(),
  side: zSide,
  price: micros,
  size: centis.positive(),
  /** Theo of the market at the fill, to read edge off the tape. */
  theo: z.number().gt(0).lt(1).nullable(),
});

export const zAlert = z.object({
  time: epochMs,
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});

export const zConnectionState = z.enum(['connected', 'connecting', 'down']);

/** A worker shard as the operator's dashboard sees it (deployed system only). */
export const zShardView = z.object({
  shardId: z.string().min(1),
  /** When the shard last published its live snapshot. */
  heartbeatAt: epochMs,
  /** Its lease in the store: who holds it, the fencing token, until when. */
  lease: z.object({ owner: z.string(), token: z.number().int(), expiresAt: epochMs }).nullable(),
});

/** The account's cash (worker/dashboard/cash-panel.ts, fed by the worker's cash watch). */
export const zCashView = z.object({
  /** When the figures were read from the exchange. */
  asOf: epochMs,
  balance: micros,
  /** Paid for the positions held (returns at settlement). */
  inPositions: micros,
  /** Reserved by our resting orders. */
  inOrders: micros,
  /** Balance less what resting orders reserve. */
  buyingPower: micros,
  /** Below this the `buying-power-low` alarm notifies (deposit). */
  floor: micros.nonnegative(),
  belowFloor: z.boolean(),
  /** The last poll's failure; the figures are then the last good ones, from `asOf`. */
  error: z.string().nullable(),
});

const perContract = z.number().int().nullable();
const vsRefs = z.object({ theo: perContract, mid: perContract });

/** Edge and markouts of a group of fills, contract-weighted Micros per contract (+ good for us). */
export const zEdgeRowView = z.object({
  key: z.string(),
  fills: z.number().int().nonnegative(),
  contracts: centis.nonnegative(),
  edge: vsRefs,
  markout: z.object({ '10s': vsRefs, '60s': vsRefs, '5m': vsRefs }),
});

/** The rolling edge of real fills (worker/dashboard/edge-panel.ts, fed by the fill-edge tracker). */
export const zEdgeView = z.object({
  all: zEdgeRowView.nullable(),
  bySport: z.array(zEdgeRowView),
  byMode: z.array(zEdgeRowView),
  bySize: z.array(zEdgeRowView),
});

const split = { realised: micros, trades: micros, settlements: micros, fees: micros };

/** The trading day's realised PnL from the stored record (worker/dashboard/pnl-panel.ts). */
export const zDayPnlView = z.object({
  day: z.string(),
  /** When the figures were built. */
  asOf: epochMs,
  ...split,
  drawdown: micros.nonnegative(),
  bySport: z.array(z.object({ sport: z.string(), games: z.number().int().nonnegative(), ...split })),
  /** Positions of the day's games still open. */
  open: z.number().int().nonnegative(),
  /** Their PnL marked at theo, and how many had no theo (left out of it). */
  marked: micros,
  unpriced: z.number().int().nonnegative(),
  /** Theo at the stop against outcomes for the games that stopped this day; null when not recorded. */
  calibration: z
    .object({
      games: z.number().int().nonnegative(),
      unresolved: z.number().int().nonnegative(),
      /** Our theo, Pinnacle alone, the plain average of books: markets and Brier score each. */
      scores: z.array(
        z.object({
          against: z.enum(['theo', 'pinnacle', 'average']),
          markets: z.number().int().nonnegative(),
          brier: z.number().min(0).max(1).nullable(),
        }),
      ),
      /** Our theo's buckets: [lo, hi), markets, mean theo, win rate. */
      table: z.array(
        z.object({
          lo: z.number(),
          hi: z.number(),
          n: z.number().int(),
          meanP: z.number(),
          winRate: z.number(),
        }),
      ),
    })
    .nullable(),
  /** The last rebuild's failure; the figures are then the last good ones. */
  error: z.string().nullable(),
});

export const zDashboardState = z.object({
  now: epochMs,
  mode: z.enum(['paper', 'live']),
  /** Where orders go: "simulator", "demo", "prod". */
  venue: z.string(),
  killed: z.boolean(),
  /** Kill switch phase once tripped ("flattening", "flat", "not_flat"). */
  killPhase: z.string().nullable(),
  killReason: z.string().nullable(),
  connection: z.object({
    ws: zConnectionState,
    /** When the WebSocket last changed state. */
    since: epochMs.nullable(),
    reconnects: z.number().int().nonnegative(),
    bookResyncs: z.number().int().nonnegative(),
    rateLimited: z.number().int().nonnegative(),
  }),
  reconciliation: z.object({
    /** When reconciliation last found local state different from the exchange's. */
    lastDriftAt: epochMs.nullable(),
    /** Sum of |local − exchange| position found by that check. */
    drift: centis.nonnegative(),
    /** Corrections made since start. */
    corrections: z.number().int().nonnegative(),
    /** Reconciliations run since start. */
    runs: z.number().int().nonnegative(),
  }),
  games: z.array(zGameView),
  /** Newest first. */
  fills: z.array(zFillView),
  /** Newest first. */
  alerts: z.array(zAlert),
  /** The worker shards (the operator's dashboard of a deployed system); absent in the worker's own. */
  shards: z.array(zShardView).optional(),
  /** The account's cash; null before the first good reading, absent where nobody watches it. */
  cash: zCashView.nullable().optional(),
  /** Edge and markouts of the recent fills; absent where nobody tracks them. */
  edge: zEdgeView.optional(),
  /** The trading day's PnL from the stored record; null before the first build, absent where not built. */
  pnlDay: zDayPnlView.nullable().optional(),
});

export type Side = z.infer<typeof zSide>;
export type Level = z.infer<typeof zLevel>;
export type OurQuote = z.infer<typeof zOurQuote>;
export type QuoteMode = z.infer<typeof zQuoteMode>;
export type MarketView = z.infer<typeof zMarketView>;
export type GameView = z.infer<typeof zGameView>;
export type FillView = z.infer<typeof zFillView>;
export type Alert = z.infer<typeof zAlert>;
export type ShardView = z.infer<typeof zShardView>;
export type CashPanelView = z.infer<typeof zCashView>;
export type EdgePanelView = z.infer<typeof zEdgeView>;
export type DayPnlPanelView = z.infer<typeof zDayPnlView>;
export type DashboardState = z.infer<typeof zDashboardState>;

/** Where the dashboard reads state from: the session (through its adapter) or a test double. */
export interface DashboardSource {
  snapshot(): DashboardState;
  /** Calls `onChange` whenever the state may have changed; returns an unsubscribe. */
  subscribe(onChange: () => void): () => void;
}

/** The trader's state-changing actions; each resolves once the action has taken effect locally. */
export interface DashboardActions {
  kill(reason: string): Promise<void>;
  pause(gameId: string): Promise<void>;
  resume(gameId: string): Promise<void>;
  /** Clears the global kill (the operator's dashboard: through the kill-switch Lambda). Absent: not offered. */
  resumeTrading?(): Promise<void>;
}
