/**
 * A WebSocket outage pauses quoting instead of latching the global kill
 * (issue 18 item 9): quotes are pulled at once; past `feedDownPauseMs` every
 * order of ours is cancelled through the flattener (so cancels lost with the
 * socket do not leave orders resting), the games hold as ws-down (feed-down),
 * and quoting resumes after the reconnect's trusted reconciliation.
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

function rig(extra: Record<string, unknown> = {}) {
  const ex = new FakeExchange();
  const clock = new ManualClock(T0);
  // A limit far above every size used here: the limit-breach guard stays out of the way; maxDrift is the default 2 000.
  const config = parseEngineConfig({
    limits: { default: { cap: 20_000, floor: 20_000, liquidityShare: 0 }, sports: {} },
    quoting: { baseSize: 500 },
    ...extra,
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

describe('feed outage', () => {
  it('past the bound: flattens what the lost cancels left resting, no kill; resumes after reconnect + resync', async () => {
    const r = await started(rig());
    await advance(r.clock, 1_000);
    const before = r.ex.resting().length;
    expect(before).toBeGreaterThan(0);
    // The socket drops; the order manager pulls the quotes, but those cancels "succeed" without effect.
    r.ex.lyingCancels = before;
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, 1_000);
    expect(r.ex.resting().length).toBe(before);
    await advance(r.clock, r.config.feedDownPauseMs, 250);
    expect(r.session.feedOutage().state).not.toBe('normal');
    await advance(r.clock, 3_000, 250); // the flattener re-lists and cancels again
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.killSwitch.tripped).toBe(false);
    expect(r.metrics.counts.get('FeedDownPauses')).toBe(1);
    // Still down long after: still paused, still no kill (exchange maintenance is routine).
    await advance(r.clock, 120_000, 1_000);
    expect(r.session.killSwitch.tripped).toBe(false);
    expect(r.ex.resting()).toEqual([]);
    // Back: the trusted pass runs, then quoting resumes.
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    expect(r.ex.resting().length).toBeGreaterThan(0);
    expect(r.session.killSwitch.tripped).toBe(false);
  });

  it('a failed reconnect pass does not leave the pause stuck: the next successful pass resumes', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, r.config.feedDownPauseMs + 3_000, 250);
    expect(r.session.feedOutage().state).toBe('paused');
    r.ex.failListings = 1; // the reconnect's trusted pass cannot list
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 500);
    expect(r.session.feedOutage().state).toBe('paused');
    await advance(r.clock, r.config.reconcileMs + 1_000, 250);
    expect(r.session.feedOutage().state).toBe('normal');
    expect(r.ex.resting().length).toBeGreaterThan(0);
  });

  it('a short outage pulls quotes but does not pause; kill.wsDownMs, when configured, still kills', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await advance(r.clock, r.config.feedDownPauseMs - 2_000, 500);
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    expect(r.ex.resting().length).toBeGreaterThan(0);

    const k = rig({ kill: { wsDownMs: 40_000 } });
    await started(k);
    k.ex.emit({ type: 'connection', state: 'down' });
    await advance(k.clock, 30_000, 500);
    expect(k.session.feedOutage().state).not.toBe('normal');
    expect(k.session.killSwitch.tripped).toBe(false);
    await advance(k.clock, 11_000, 500);
    expect(k.session.killSwitch.state.source).toBe('ws_down');
  });

  it('kill.wsDownMs, when configured, also bounds a second outage that begins while still paused', async () => {
    const k = rig({ kill: { wsDownMs: 40_000 } });
    await started(k);
    k.ex.emit({ type: 'connection', state: 'down' });
    await advance(k.clock, k.config.feedDownPauseMs + 3_000, 500);
    expect(k.session.feedOutage().state).toBe('paused');
    // Back briefly, but no reconciliation succeeds (REST failing): still paused.
    k.ex.failListings = 1_000_000;
    k.ex.emit({ type: 'connection', state: 'up' });
    await advance(k.clock, 1_000, 500);
    expect(k.session.feedOutage().state).toBe('paused');
    // Down again, for longer than kill.wsDownMs.
    k.ex.emit({ type: 'connection', state: 'down' });
    await advance(k.clock, 45_000, 500);
    expect(k.session.killSwitch.state.source).toBe('ws_down');
  });
});
