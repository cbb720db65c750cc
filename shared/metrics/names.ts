/**
 * Metric names, defined once: the worker and Lambdas emit exactly these, and
 * the CDK alarms and dashboard watch exactly these. Change a name here and
 * both sides move together.
 *
 * Every metric carries the dimension `Stage` (the deployment's stage, e.g. "prod"): stages share
 * one namespace, and a demo stage's heartbeats must never hide a dead prod worker nor its
 * drawdown kill prod. Worker metrics add `Shard` (the shard id, e.g. "0"), Lambda metrics `Function`.
 * Money is reported in dollars (CloudWatch is a display, not a ledger).
 */
export const METRICS_NAMESPACE = 'KalshiMM';
export const SHARD_DIMENSION = 'Shard';
export const STAGE_DIMENSION = 'Stage';
/** Stage of a process started outside the CDK app (a local live run, paper mode). */
export const LOCAL_STAGE = 'local';
/** Powertools service name dimension is not used for alarmed metrics; this one is. */
export const FUNCTION_DIMENSION = 'Function';

export const WorkerMetric = {
  /** Count, 1 per main-loop tick (~every 10 s). Missing ⇒ the worker is dead or hung. */
  Heartbeat: 'Heartbeat',
  /** Seconds since the Kalshi WebSocket was last connected; 0 while connected. Gauge, every tick. */
  WsDisconnectedSeconds: 'WsDisconnectedSeconds',
  /** Count of times a game's inventory exceeded its hard limit (must stay 0). */
  InventoryLimitBreaches: 'InventoryLimitBreaches',
  /**
   * Count of positions a reconciliation pass corrected to the exchange's (after the start-up load):
   * a lost or double-counted fill. The drift alarm stops trading on it, so routine order churn is not in it.
   */
  ReconciliationDrift: 'ReconciliationDrift',
  /** Count of local orders a reconciliation pass changed, adopted or forgot (dashboard; churn, not an alarm). */
  OrdersReconciled: 'OrdersReconciled',
  /** Current drawdown from the session's peak PnL, dollars, ≥ 0. Gauge. */
  PnlDrawdownDollars: 'PnlDrawdownDollars',
  /** Age of the oldest theo among games being quoted, seconds. Gauge. */
  TheoAgeSeconds: 'TheoAgeSeconds',
  /** Orders created / cancelled, fills received (dashboard). */
  OrdersCreated: 'OrdersCreated',
  OrdersCancelled: 'OrdersCancelled',
  Fills: 'Fills',
  /** Book change → order sent, milliseconds (dashboard). */
  QuoteLatencyMs: 'QuoteLatencyMs',
  /** Games currently quoted (dashboard). */
  GamesQuoted: 'GamesQuoted',
  /** Games per quoting reason (shared/liveness/quoting-state.ts), dimension `Reason` beside `Shard`. Gauge, every heartbeat. */
  GamesByReason: 'GamesByReason',
  /**
   * Games whose reason is not idle by design and that have had no resting order on any side for the
   * engine's `stallAfterMs`: a silent stop. Gauge, every heartbeat; must stay 0 (liveness alarm).
   */
  GamesStalled: 'GamesStalled',
  /**
   * Market sides our quoter wants an order on that have none yet, waiting for the write budget, a create
   * slot, the game's order group or a refusal's backoff (worker/engine/create-queue.ts). Gauge, every heartbeat.
   */
  CreatesQueued: 'CreatesQueued',
  /**
   * Of those, the sides that have waited 30 s or more (`CREATE_STARVED_GAUGE_MS`), the risk gate's refusals
   * left out: a market that should rest an order and does not. Gauge, every heartbeat; should stay 0 (the
   * starved strike of issue #17 shows here).
   */
  CreatesStarved: 'CreatesStarved',
  /** Creates the exchange refused for a lasting reason (group tripped, balance, market, price), dimension `Reason`. Count. */
  WritesRefused: 'WritesRefused',
  /** Book frames dropped untouched since the last heartbeat, dimension `Reason`: unknown_sid | unknown_market. */
  FeedFramesDropped: 'FeedFramesDropped',
  /** Fills read back from REST after a private-channel gap that the WebSocket never delivered (each gets its record). */
  FillsBackfilled: 'FillsBackfilled',
  /** Count of WebSocket outages that outlasted `feedDownPauseMs`: our orders were cancelled and quoting paused until resync. */
  FeedDownPauses: 'FeedDownPauses',
  /** Session-journal failures (worker/journal/), dimension `Kind`: write | cap | encode | ship. Count; trading goes on. */
  JournalErrors: 'JournalErrors',
  /** Session-journal entries dropped (cap reached, disk or upload failing). Count since the last heartbeat. */
  JournalDropped: 'JournalDropped',
  /** The account's cash (`/portfolio/balance`), dollars. Gauge, every cash poll (shared/account/cash.ts). */
  CashBalance: 'CashBalance',
  /** Cash paid for the positions held (returns at settlement), dollars. Gauge, every cash poll. */
  CashInPositions: 'CashInPositions',
  /** Cash our resting orders reserve, dollars. Gauge, every cash poll. */
  CashInOrders: 'CashInOrders',
  /**
   * Balance less what resting orders reserve, dollars: what new orders can still use. Gauge, every
   * cash poll; below the configured floor the `buying-power-low` alarm notifies (deposit).
   */
  BuyingPower: 'BuyingPower',
  /** Cash polls that failed (REST error or a response that did not parse). Count. */
  CashPollErrors: 'CashPollErrors',
  /** Settlements of our positions stored for the first time (worker/cash/pnl-recorder.ts). Count. */
  SettlementsRecorded: 'SettlementsRecorded',
  /** Settlement polls or writes that failed (retried at the next poll). Count. */
  SettlementPollErrors: 'SettlementPollErrors',
  /** Settlements skipped: a result with no known value per contract (never priced at a guess). Count. */
  SettlementsUnpriced: 'SettlementsUnpriced',
  /** Contracts filled {Sport}. Count; the denominator of the edge and markouts per contract. */
  FillContracts: 'FillContracts',
  /**
   * Σ edge of our fills at the fill, dollars {Sport, Against: theo | mid}: bought YES worth
   * (reference − price) per contract, sold YES (price − reference). Count (a sum of dollars).
   */
  FillEdgeDollars: 'FillEdgeDollars',
  /** Σ the same edge Δ after the fill {Sport, Horizon: 10s | 60s | 5m, Against}: markout − edge = adverse selection. */
  FillMarkoutDollars: 'FillMarkoutDollars',
  /**
   * The Kalshi feed's counters since the last heartbeat, dimension `Event` (worker/kalshi/feed-metrics.ts):
   * connection | reconnect | pong_timeout | silence_timeout | gap | invalid_book | snapshot_request |
   * resubscribe | duplicate_fill | frame_accepted | frame_rejected | frame_ignored. Count.
   */
  FeedEvents: 'FeedEvents',
} as const;
export type WorkerMetricName = (typeof WorkerMetric)[keyof typeof WorkerMetric];

/** `JournalErrors`' `Kind` values: one list, read by the journal and by the alarm that sums them. */
export const JOURNAL_ERROR_KINDS = ['write', 'cap', 'encode', 'ship'] as const;
export type JournalErrorKind = (typeof JOURNAL_ERROR_KINDS)[number];

export const OddsMetric = {
  /** Odds API credits left (from `x-requests-remaining`). Gauge per call. */
  OddsCreditsRemaining: 'OddsCreditsRemaining',
  /** Credits spent by one call (`x-requests-last`). */
  OddsCreditsUsed: 'OddsCreditsUsed',
  TheosWritten: 'TheosWritten',
  TheosNotNewer: 'TheosNotNewer',
  NoTheo: 'NoTheo',
  SportsSkippedForQuota: 'SportsSkippedForQuota',
  OddsApiErrors: 'OddsApiErrors',
  RefreshDebounced: 'RefreshDebounced',
  /** Refreshes not made: the last known credits left are within the reserve kept for the polls. */
  RefreshSkippedForCredits: 'RefreshSkippedForCredits',
  /** Games whose margin/total fit was stored (odds-poll with spreads/totals). */
  StrikeTheosWritten: 'StrikeTheosWritten',
  /** Games whose margin or total fit was refused (stored as a refusal; their strikes are not quoted). */
  StrikeTheosRefused: 'StrikeTheosRefused',
  /** Book spread/total lines dropped by the checks (contradicts-moneyline, total-outlier, …). */
  StrikeLinesDropped: 'StrikeLinesDropped',
} as const;

/** The worker's spread/total ladders (issue #17). */
export const LadderMetric = {
  /** Ladder markets of registered games that could not be mapped to a strike (never quoted), per discovery. */
  LadderMarketsUnmapped: 'LadderMarketsUnmapped',
  /** Ladder markets mapped to a strike of a registered game, per discovery. */
  LadderMarketsMapped: 'LadderMarketsMapped',
  StrikeTheoReadErrors: 'StrikeTheoReadErrors',
} as const;

export const KillMetric = {
  KillSwitchInvocations: 'KillSwitchInvocations',
  KillCancelsSent: 'KillCancelsSent',
  /** Orders still resting when the kill loop gave up. Must be 0. */
  KillOrdersRemaining: 'KillOrdersRemaining',
} as const;
