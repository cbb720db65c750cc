/** Recording logger and metrics for engine tests: assertions can read what was emitted. */
import type { Clock } from '../../../shared/clock.ts';
import type { GameBinding } from '../../../worker/engine/order-manager.ts';
import type {
  Dimensions,
  EngineLogger,
  EngineMetrics,
  ListedEvent,
  LogFields,
} from '../../../worker/engine/ports.ts';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields?: LogFields;
}

export function recordingLog(): EngineLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (event, fields) => lines.push({ level: 'info', event, fields }),
    warn: (event, fields) => lines.push({ level: 'warn', event, fields }),
    error: (event, fields) => lines.push({ level: 'error', event, fields }),
  };
}

export function recordingMetrics(): EngineMetrics & {
  counts: Map<string, number>;
  gauges: Map<string, number>;
} {
  const counts = new Map<string, number>();
  const gauges = new Map<string, number>();
  const key = (name: string, dims?: Dimensions) =>
    dims
      ? `${name}{${Object.entries(dims)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}}`
      : name;
  return {
    counts,
    gauges,
    count: (name, value = 1, dims) => {
      counts.set(name, (counts.get(name) ?? 0) + value);
      if (dims) counts.set(key(name, dims), (counts.get(key(name, dims)) ?? 0) + value);
    },
    gauge: (name, value, dims) => gauges.set(key(name, dims), value),
    timing: (name, value, dims) => gauges.set(key(name, dims), value),
  };
}

/** Lets every already-queued promise callback run. */
export async function drain(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** The session tests' Kalshi listing: Boston at Milwaukee (two markets) and a one-market game no odds event matches. */
export const SESSION_GAME = 'KXNBAGAME-26NOV25BOSMIL';
export const UNMATCHED_MARKET = 'KXNBAGAME-26NOV25XXXYYY-XXX';

export function sessionListing(startMs: number): ListedEvent[] {
  return [
    {
      eventTicker: SESSION_GAME,
      seriesTicker: 'KXNBAGAME',
      title: 'Boston at Milwaukee',
      startMs,
      markets: [
        { ticker: `${SESSION_GAME}-BOS`, yesSubTitle: 'Boston', status: 'active' },
        { ticker: `${SESSION_GAME}-MIL`, yesSubTitle: 'Milwaukee', status: 'active' },
      ],
    },
    {
      eventTicker: 'KXNBAGAME-26NOV25XXXYYY',
      seriesTicker: 'KXNBAGAME',
      title: 'Somewhere at Nowhere',
      startMs,
      markets: [{ ticker: UNMATCHED_MARKET, yesSubTitle: 'Somewhere', status: 'active' }],
    },
  ];
}

/**
 * A game the order manager may trade freely for an hour: no kill, lease or pause, flat, limits far above
 * any test's orders. For tests of the write budget and the create queue, not of risk.
 */
export function unlimitedBinding(clock: Clock, game: string, tickers: string[]): GameBinding {
  return {
    eventTicker: game,
    tickers,
    exchangeIndex: () => undefined,
    orderGroupLimit: 1_000_000,
    risk: () => ({
      now: clock.now(),
      killed: false,
      lease: null,
      stopAtMs: clock.now() + 3_600_000,
      pausedTickers: new Set(),
      tickers,
      positions: new Map(),
      limit: 1_000_000,
      lot: 100,
    }),
  };
}
