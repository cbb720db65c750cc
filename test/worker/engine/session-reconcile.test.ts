/**
 * Positions racing fills across start-up, reconnects and periodic passes
 * (docs/RECONCILIATION.md "Positions"): a fill is counted once, whether the
 * REST snapshot already counts it or not, and a real gap fill is never lost.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ListedEvent } from '../../../worker/engine/ports.ts';
import { A, advance, B, EVENT, fill, type SessionRig, sessionRig, started } from './session-rig.ts';
import { drain, UNMATCHED_MARKET } from './support.ts';

const rig = () => sessionRig();
type Rig = SessionRig;
const OTHER = UNMATCHED_MARKET;

const drifts = (r: Rig) => r.session.snapshot().counters['drifts'];

/** Holds discovery until `release()`: start-up takes minutes in production while the feed already delivers. */
function holdDiscovery(r: Rig): () => void {
  let release = () => {};
  const gate = new Promise<void>((res) => {
    release = res;
  });
  const list = r.ex.listEvents.bind(r.ex);
  r.ex.listEvents = async (s: string): Promise<ListedEvent[]> => {
    await gate;
    return list(s);
  };
  return release;
}

/** Holds the next position listings after their snapshot was taken, until `release()`. */
function holdPositions(r: Rig): { release: () => void; restore: () => void } {
  let release = () => {};
  const gate = new Promise<void>((res) => {
    release = res;
  });
  const lp = r.ex.listPositions.bind(r.ex);
  r.ex.listPositions = async () => {
    const snap = await lp();
    await gate;
    return snap;
  };
  return {
    release: () => release(),
    restore: () => {
      r.ex.listPositions = lp;
    },
  };
}

describe('start-up: fills queued while start() runs', () => {
  it('a queued fill the REST snapshot already counts is counted once (no false drift, no kill)', async () => {
    const r = rig();
    const release = holdDiscovery(r);
    const starting = r.session.start();
    // worker/main.ts starts the feed before the session: it is up and delivers during discovery.
    r.ex.emit({ type: 'connection', state: 'up' });
    r.ex.positions.set(A, 2_500);
    r.ex.emit(fill('t-early', A, 'bid', 2_500));
    release();
    await starting;
    await r.session.idle();
    expect(r.session.position(A)).toBe(2_500);
    await advance(r.clock, r.config.reconcileMs * 2 + r.config.positionLagMs + 300, 250);
    expect(r.session.position(A)).toBe(2_500);
    expect(drifts(r)).toBe(0);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
    expect(r.audited.map((f) => f.tradeId)).toEqual(['t-early']);
  });

  it('without an early "up" the queued fill is still counted once', async () => {
    const r = rig();
    const release = holdDiscovery(r);
    const starting = r.session.start();
    r.ex.positions.set(A, 1_000);
    r.ex.emit(fill('t-early', A, 'bid', 1_000));
    release();
    await starting;
    expect(r.session.position(A)).toBe(1_000);
  });

  it('a position held before the restart plus a queued fill: the snapshot total is loaded, not counted as drift', async () => {
    const r = rig();
    const release = holdDiscovery(r);
    r.ex.positions.set(A, 3_000); // 30 held from before the restart
    const starting = r.session.start();
    r.ex.emit({ type: 'connection', state: 'up' });
    r.ex.positions.set(A, 3_500);
    r.ex.emit(fill('t-early', A, 'bid', 500));
    release();
    await starting;
    await r.session.idle();
    // The fill arrived within positionLagMs of the listing: the load waits for the (still trusted) re-check.
    expect(r.session.snapshot().games.find((g) => g.eventTicker === EVENT)?.status).toBe('warming');
    await advance(r.clock, r.config.positionLagMs + 400, 100);
    expect(r.session.position(A)).toBe(3_500);
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 300, 250);
    expect(r.session.position(A)).toBe(3_500);
    expect(drifts(r)).toBe(0);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
  });

  it('property: whether REST already counts the queued fills or catches up later, each is counted once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom(A, B),
            fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
            fc.integer({ min: 1, max: 8 }),
          ),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.boolean(),
        fc.integer({ min: 0, max: 3_000 }),
        async (fills, restAhead, arrivalGapMs) => {
          const r = rig();
          const release = holdDiscovery(r);
          const starting = r.session.start();
          r.ex.emit({ type: 'connection', state: 'up' });
          const want = new Map<string, number>();
          fills.forEach(([ticker, side, lots], i) => {
            const size = lots * 100;
            want.set(ticker, (want.get(ticker) ?? 0) + (side === 'bid' ? size : -size));
            r.ex.emit(fill(`t${i}`, ticker, side, size));
          });
          // REST either already counts every queued fill or still lags behind all of them, by less than
          // positionLagMs (the bound the reconciliation is built on: docs/RECONCILIATION.md).
          if (restAhead || arrivalGapMs >= r.config.positionLagMs)
            for (const [t, p] of want) r.ex.positions.set(t, p);
          r.clock.advance(arrivalGapMs); // discovery time between the fills' arrival and the first listing
          release();
          await starting;
          await r.session.idle();
          for (const [t, p] of want) r.ex.positions.set(t, p); // REST has caught up
          await advance(r.clock, r.config.reconcileMs * 2 + r.config.positionLagMs + 300, 500);
          for (const [t, p] of want) expect(r.session.position(t)).toBe(p);
          expect(drifts(r)).toBe(0);
          expect(r.session.killSwitch.tripped).toBe(false);
          expect(r.audited.map((f) => f.tradeId).sort()).toEqual(fills.map((_, i) => `t${i}`).sort());
          r.session.dispose();
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('reconnect', () => {
  it('the trusted pass does not overwrite a WS fill that arrived after its snapshot', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    const held = holdPositions(r);
    r.ex.emit({ type: 'connection', state: 'up' }); // reconcile(true): the snapshot is taken now (flat)
    await drain(2);
    // A fill lands just after the snapshot; its message arrives before the REST answer.
    r.ex.positions.set(A, 2_500);
    r.ex.emit(fill('t-race', A, 'bid', 2_500));
    held.restore();
    held.release();
    await r.session.idle();
    expect(r.session.position(A)).toBe(2_500);
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 300, 250);
    expect(r.session.position(A)).toBe(2_500);
    expect(drifts(r)).toBe(0);
    expect(r.session.killSwitch.state.source ?? null).toBeNull();
  });

  it('a deferred trusted correction stays trusted: a gap fill is taken on the re-check, not a period later', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.positions.set(A, 700); // filled during the gap: no message will come
    const held = holdPositions(r);
    r.ex.emit({ type: 'connection', state: 'up' });
    await drain(2);
    r.ex.positions.set(A, 1_200);
    r.ex.emit(fill('t-race', A, 'bid', 500)); // after the snapshot (which says 700)
    held.restore();
    held.release();
    await r.session.idle();
    expect(r.session.position(A)).toBe(500); // deferred: the snapshot cannot vouch for the new fill
    await advance(r.clock, r.config.positionLagMs + 400, 100); // the re-check, still trusted
    expect(r.session.position(A)).toBe(1_200);
    expect(drifts(r)).toBe(1); // the gap fill, once
  });

  it('a reconnect while a periodic pass runs gets its own trusted pass after it', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    const held = holdPositions(r);
    await advance(r.clock, r.config.reconcileMs, 250); // periodic (untrusted) pass: snapshot taken, answer held
    r.ex.positions.set(A, 1_500); // filled during the gap: no message will ever come
    held.restore();
    r.ex.emit({ type: 'connection', state: 'up' });
    held.release();
    await r.session.idle();
    await advance(r.clock, 500, 250);
    expect(r.session.position(A)).toBe(1_500);
  });
});

describe('drift memory', () => {
  it('a corrected drift is forgotten: a same-size drift next pass waits for confirmation', async () => {
    const r = await started(rig());
    r.ex.positions.set(A, 500); // one lot the feed never delivered
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 200, 100);
    expect(r.session.position(A)).toBe(500);
    await advance(r.clock, 7_700, 100);
    // Another lot fills; REST counts it already, its message is still in flight.
    r.ex.positions.set(A, 1_000);
    await advance(r.clock, 300, 100); // the periodic pass sees drift 500 for the first time
    r.ex.emit(fill('t-late', A, 'bid', 500));
    await r.session.idle();
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 300, 250);
    expect(r.session.position(A)).toBe(1_000);
    expect(drifts(r)).toBe(1);
  });
});

describe('fill records', () => {
  it('a fill on a market we do not quote is stored too, under its event', async () => {
    const r = await started(rig());
    r.ex.emit(fill('t-other', OTHER, 'bid', 300));
    r.ex.emit(fill('t-ours', A, 'bid', 300));
    r.ex.emit(fill('t-other', OTHER, 'bid', 300)); // a duplicate is not stored twice
    await r.session.idle();
    expect(r.audited.map((f) => [f.tradeId, f.eventTicker])).toEqual([
      ['t-other', 'KXNBAGAME-26NOV25XXXYYY'],
      ['t-ours', EVENT],
    ]);
  });
});

describe('ghost size and lagging positions', () => {
  it('size that left the book as fills not yet seen stays counted until the positions snapshot can count it', async () => {
    const r = await started(rig());
    const o = r.ex.resting().find((x) => x.ticker === A && x.side === 'bid')!;
    // The exchange filled our bid: the order update says so, the fill message and the position lag.
    r.ex.orders.delete(o.orderId);
    r.ex.emit({
      type: 'order',
      ...o,
      clientOrderId: o.clientOrderId ?? undefined,
      remaining: 0,
      filled: o.remaining,
      status: 'executed',
      tsMs: r.ex.ts + 100,
    });
    await r.session.idle();
    expect(r.session.snapshot().counters['ghosts']).toBe(1);
    await advance(r.clock, 200);
    await r.session.reconcile();
    // The position listing (taken 200 ms after the fill) does not show it yet: the ghost must still count.
    expect(r.session.snapshot().counters['ghosts']).toBe(1);
    r.ex.positions.set(A, o.remaining);
    await advance(r.clock, r.config.positionLagMs + 100);
    await r.session.reconcile();
    // The snapshot shows it now, but a first sighting of the drift is not corrected: the ghost still counts.
    expect(r.session.snapshot().counters['ghosts']).toBe(1);
    await advance(r.clock, r.config.positionLagMs + 200);
    await r.session.reconcile();
    expect(r.session.snapshot().counters['ghosts']).toBe(0);
    r.session.dispose();
  });
});

describe('ghost size until the position is corrected', () => {
  it('a fill whose message never comes stays counted in the pass where the positions snapshot first shows it (the drift is only deferred then)', async () => {
    const r = await started(rig());
    const o = r.ex.resting().find((x) => x.ticker === A && x.side === 'bid')!;
    // Filled: the order update says so and the exchange's position already has it; the fill message is lost.
    r.ex.orders.delete(o.orderId);
    r.ex.positions.set(A, o.remaining);
    r.ex.emit({
      type: 'order',
      ...o,
      clientOrderId: o.clientOrderId ?? undefined,
      remaining: 0,
      filled: o.remaining,
      status: 'executed',
      tsMs: r.ex.ts + 100,
    });
    await r.session.idle();
    const counted = () => {
      const s = r.session.snapshot();
      const pos = s.games[0]!.markets.find((m) => m.ticker === A)!.position;
      return { ghosts: s.counters['ghosts'], pos };
    };
    expect(counted()).toEqual({ ghosts: 1, pos: 0 });
    await advance(r.clock, r.config.positionLagMs + 100);
    await r.session.reconcile();
    // First sighting of the drift: not corrected yet, so the ghost must still carry the size.
    const mid = counted();
    expect(mid.ghosts === 1 || mid.pos === o.remaining).toBe(true);
    // The recheck confirms the drift: the position carries it and the ghost is gone (counted once).
    await advance(r.clock, r.config.positionLagMs + 200);
    await r.session.reconcile();
    await r.session.idle();
    expect(counted()).toEqual({ ghosts: 0, pos: o.remaining });
    r.session.dispose();
  });
});
