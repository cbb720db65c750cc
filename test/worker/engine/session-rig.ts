/**
 * The session test rig: a TradingSession on the fake exchange and a manual
 * clock, listing Boston at Milwaukee (matched to odds event `odds-1`, theo
 * 60/40) beside a game no odds event matches, with wide books from other
 * participants. Tests override what they vary (limits, config, ports) and
 * drive time with `advance`.
 */
import { ManualClock } from '../../../shared/clock.ts';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { gatewayFlattener } from '../../../worker/engine/adapters/flatten.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import type { EnginePorts, FillEvent, GameMapper } from '../../../worker/engine/ports.ts';
import { TradingSession } from '../../../worker/engine/session.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics, SESSION_GAME, sessionListing } from './support.ts';

export const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
export const START = T0 + 3 * 3_600_000;
export const EVENT = SESSION_GAME;
export const A = `${EVENT}-BOS`;
export const B = `${EVENT}-MIL`;
export const c = (cents: number) => cents * 10_000;

/** Matches the Boston at Milwaukee game to `odds-1`; any other event is unmatched for `reason`. */
export function sessionGameMapper(reason = 'unmatched'): GameMapper {
  return {
    match: (_sport, ev) =>
      ev.eventTicker === EVENT
        ? {
            ok: true,
            oddsEventId: 'odds-1',
            commenceMs: START,
            outcomeByTicker: { [A]: 'Boston', [B]: 'Milwaukee' },
            homeTeam: 'Milwaukee',
            awayTeam: 'Boston',
          }
        : { ok: false, reason },
  };
}

export interface SessionRigOptions {
  /** The default limit's cap and floor (20 000 keeps the limit-breach guard out of the way). */
  cap?: number;
  /** Engine config overrides, spread over the limits and `quoting.baseSize` 500. */
  config?: Record<string, unknown>;
  ex?: FakeExchange;
  clock?: ManualClock;
  /** Records fills and orders in `audited` through an audit port (default true). */
  audit?: boolean;
  /** Sets the other participants' wide books on A and B (default true). */
  books?: boolean;
  /** Ports replacing the rig's (built after the config, so they may read it). */
  ports?: (base: { ex: FakeExchange; clock: ManualClock }) => Partial<EnginePorts>;
}

export function sessionRig(opts: SessionRigOptions = {}) {
  const ex = opts.ex ?? new FakeExchange();
  const clock = opts.clock ?? new ManualClock(T0);
  const cap = opts.cap ?? 20_000;
  const config = parseEngineConfig({
    limits: { default: { cap, floor: cap, liquidityShare: 0 }, sports: {} },
    quoting: { baseSize: 500 },
    ...opts.config,
  });
  ex.events = sessionListing(START);
  const audited: (FillEvent & { eventTicker: string })[] = [];
  const log = recordingLog();
  const metrics = recordingMetrics();
  const quoter = gameQuoter({ params: config.quoting });
  const ports: EnginePorts = {
    clock,
    gateway: ex,
    feed: ex,
    books: ex,
    theos: {
      read: async () => [
        {
          oddsEventId: 'odds-1',
          probabilities: { Boston: 0.6, Milwaukee: 0.4 },
          updatedMs: clock.now(),
          books: 12,
        },
      ],
    },
    mapper: sessionGameMapper(),
    quoter,
    flatten: gatewayFlattener(ex, { clock, deadlineMs: 60_000, pauseMs: 500 }),
    log,
    metrics,
    killFlag: { read: async () => [] },
    ...(opts.audit === false
      ? {}
      : { audit: { fill: async (f) => void audited.push(f), order: async () => {} } }),
    ...opts.ports?.({ ex, clock }),
  };
  if (opts.books !== false) {
    // Other participants: wide books, nobody near theo.
    ex.setBook(A, [{ price: c(45), size: 1_000 }], [{ price: c(75), size: 1_000 }]);
    ex.setBook(B, [{ price: c(25), size: 1_000 }], [{ price: c(55), size: 1_000 }]);
  }
  const session = new TradingSession(config, ports);
  return { session, ex, clock, config, log, metrics, audited, ports, quoter };
}
export type SessionRig = ReturnType<typeof sessionRig>;

/** An external fill message (trade `id`, order `ext-<id>`) at T0. */
export const fill = (
  id: string,
  ticker: string,
  side: 'bid' | 'ask',
  count: number,
  price = c(50),
): FillEvent => ({
  type: 'fill',
  tradeId: id,
  orderId: `ext-${id}`,
  ticker,
  side,
  price,
  count,
  tsMs: T0,
});

/** Starts the session and reports the feed up. */
export async function started<R extends { session: TradingSession; ex: FakeExchange }>(r: R): Promise<R> {
  await r.session.start();
  r.ex.emit({ type: 'connection', state: 'up' });
  await r.session.idle();
  return r;
}

/** Advances the manual clock in steps, letting promise callbacks run between them. */
export async function advance(clock: ManualClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await drain(3);
  }
}

/** The driver's turn without moving time: the clock's deferred work (requotes) runs, then the event loop turns; `turns` times. */
export async function settle(clock: ManualClock, turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) {
    clock.drain();
    await drain(1);
  }
}
