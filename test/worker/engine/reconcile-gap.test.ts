/**
 * A feed gap (the private channels down) and the fills missed in it: the
 * periodic passes during the gap correct nothing (the mismatch is a fill the
 * backfill will bring), and the backfilled fills, emitted before the feed is
 * reported up, are counted once, with their records, and no drift.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { gatewayFlattener } from '../../../worker/engine/adapters/flatten.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import type { EnginePorts, FillEvent } from '../../../worker/engine/ports.ts';
import { TradingSession } from '../../../worker/engine/session.ts';
import { FakeExchange } from './fake-exchange.ts';
import { drain, recordingLog, recordingMetrics, SESSION_GAME, sessionListing } from './support.ts';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
const START = T0 + 3 * 3_600_000;
const EVENT = SESSION_GAME;
const A = `${EVENT}-BOS`;
const B = `${EVENT}-MIL`;
const c = (cents: number) => cents * 10_000;

function rig() {
  const ex = new FakeExchange();
  const clock = new ManualClock(T0);
  // A limit far above every size used here: the limit-breach guard stays out of the way; maxDrift is the default 2 000.
  const config = parseEngineConfig({
    limits: { default: { cap: 20_000, floor: 20_000, liquidityShare: 0 }, sports: {} },
    quoting: { baseSize: 500 },
  });
  ex.events = sessionListing(START);
  const audited: (FillEvent & { eventTicker: string })[] = [];
  const log = recordingLog();
  const metrics = recordingMetrics();
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
    mapper: {
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
          : { ok: false, reason: 'unmatched' },
    },
    quoter: gameQuoter({ params: config.quoting }),
    flatten: gatewayFlattener(ex, { clock, deadlineMs: 60_000, pauseMs: 500 }),
    log,
    metrics,
    killFlag: { read: async () => [] },
    audit: { fill: async (f) => void audited.push(f), order: async () => {} },
  };
  ex.setBook(A, [{ price: c(45), size: 1_000 }], [{ price: c(75), size: 1_000 }]);
  ex.setBook(B, [{ price: c(25), size: 1_000 }], [{ price: c(55), size: 1_000 }]);
  const session = new TradingSession(config, ports);
  return { session, ex, clock, config, log, metrics, audited };
}
type Rig = ReturnType<typeof rig>;

async function started(r: Rig): Promise<Rig> {
  await r.session.start();
  r.ex.emit({ type: 'connection', state: 'up' });
  await r.session.idle();
  return r;
}

async function advance(clock: ManualClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await drain(3);
  }
}

const fill = (id: string, ticker: string, side: 'bid' | 'ask', count: number, price = c(50)): FillEvent => ({
  type: 'fill',
  tradeId: id,
  orderId: `ext-${id}`,
  ticker,
  side,
  price,
  count,
  tsMs: T0,
});

describe('a feed gap and its backfilled fills', () => {
  it('no correction while the feed is down; the backfilled fill is counted once, recorded, and no drift', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.positions.set(A, 700); // filled during the gap: its message never comes
    // Periodic (untrusted) passes during the gap see the mismatch twice, and still correct nothing.
    await advance(r.clock, 2 * r.config.reconcileMs + r.config.positionLagMs + 500, 250);
    expect(r.session.position(A)).toBe(0);
    expect(r.session.snapshot().counters['drifts']).toBe(0);
    // The feed adapter backfills the missed fill from REST, then reports the feed up (trusted pass).
    r.ex.emit(fill('t-gap', A, 'bid', 700));
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 500, 250);
    expect(r.session.position(A)).toBe(700);
    expect(r.session.snapshot().counters['drifts']).toBe(0);
    expect(r.audited.filter((f) => f.tradeId === 't-gap')).toHaveLength(1);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
  });

  it('a trusted pass that completes inside a new gap corrects nothing: the backfill brings the fill, counted once, no drift, no kill', async () => {
    const r = await started(rig());
    // The reconnect's trusted pass is slow: its positions listing answers only when released.
    const listPositions = r.ex.listPositions.bind(r.ex);
    let release: (() => void) | null = null;
    r.ex.listPositions = () =>
      new Promise((resolve) => {
        release = () => void listPositions().then(resolve);
      });
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.emit({ type: 'connection', state: 'up' });
    await drain(3);
    expect(release).not.toBeNull();
    // The socket drops again while that pass runs; a fill lands in this new gap (its message never comes).
    r.ex.emit({ type: 'connection', state: 'down' });
    await drain(3);
    r.ex.positions.set(A, 2_500);
    r.ex.listPositions = listPositions;
    release!();
    await r.session.idle();
    // The adapter backfills the missed fill from REST, then reports the feed up (trusted pass).
    r.ex.emit(fill('t-gap2', A, 'bid', 2_500));
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 500, 250);
    expect(r.session.position(A)).toBe(2_500);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
    expect(r.session.snapshot().counters['drifts']).toBe(0);
    expect(r.audited.filter((f) => f.tradeId === 't-gap2')).toHaveLength(1);
  });
});
