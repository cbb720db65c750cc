import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { MOST_EXPENSIVE_PLAUSIBLE_FEES } from '../../../shared/pricing/fees.ts';
import { shardOf } from '../../../shared/store/shard-assignment.ts';
import type { ActiveFlag, Lease, RefreshRequest, TheoSnapshot } from '../../../worker/engine/ports.ts';
import { TradingSession } from '../../../worker/engine/session.ts';
import { exchangeWorstCase, FakeExchange } from './fake-exchange.ts';
import {
  A,
  advance as advanceBy,
  B,
  c,
  START,
  sessionGameMapper,
  sessionRig,
  settle,
  started,
  T0,
} from './session-rig.ts';
import { drain } from './support.ts';

const TICKERS = [A, B] as const;

function rig(over: Record<string, unknown> = {}, ex = new FakeExchange(), clock = new ManualClock(T0)) {
  const theo: { current: TheoSnapshot | null } = {
    current: {
      oddsEventId: 'odds-1',
      probabilities: { Boston: 0.6, Milwaukee: 0.4 },
      updatedMs: T0,
      books: 12,
    },
  };
  const flags: { current: ActiveFlag[] } = { current: [] };
  const refreshes: RefreshRequest[] = [];
  const r = sessionRig({
    cap: 2_000,
    config: over,
    ex,
    clock,
    audit: false,
    ports: () => ({
      theos: { read: async () => (theo.current ? [theo.current] : []) },
      mapper: sessionGameMapper('no odds event with these teams within 6 h'),
      killFlag: { read: async () => flags.current },
      refresh: { publish: async (req) => void refreshes.push(req) },
    }),
  });
  return { ...r, theo, flags, refreshes };
}

/** Advances the manual clock in 250 ms steps, letting promise callbacks run between them. */
const advance = (clock: ManualClock, ms: number, step = 250) => advanceBy(clock, ms, step);

const slots = (ex: FakeExchange) =>
  ex
    .resting()
    .map((o) => `${o.ticker.slice(-3)} ${o.side}`)
    .sort();

describe('TradingSession', () => {
  it('trades only the games that hash to its shard', async () => {
    const r = rig();
    const own = shardOf('KXNBAGAME-26NOV25BOSMIL', 2);
    const mine = new TradingSession(r.config, r.ports, { index: own, count: 2 });
    const other = new TradingSession(r.config, r.ports, { index: 1 - own, count: 2 });
    await mine.discover();
    await other.discover();
    expect(mine.snapshot().games.map((g) => g.eventTicker)).toEqual(['KXNBAGAME-26NOV25BOSMIL']);
    expect(other.snapshot().games).toEqual([]);
    mine.dispose();
    other.dispose();
  });

  it('discovers and maps games, reports the unmatched, and quotes all four sides', async () => {
    const r = await started(rig());
    const snap = r.session.snapshot();
    expect(snap.games.map((g) => g.eventTicker)).toEqual(['KXNBAGAME-26NOV25BOSMIL']);
    expect(snap.unmatched).toEqual([
      {
        eventTicker: 'KXNBAGAME-26NOV25XXXYYY',
        title: 'Somewhere at Nowhere',
        reason: 'no odds event with these teams within 6 h',
      },
    ]);
    expect(slots(r.ex)).toEqual(['BOS ask', 'BOS bid', 'MIL ask', 'MIL bid']);
    const bos = r.ex.resting().filter((o) => o.ticker === A);
    const bid = bos.find((o) => o.side === 'bid')!;
    const ask = bos.find((o) => o.side === 'ask')!;
    expect(bid.price).toBeLessThan(c(60));
    expect(ask.price).toBeGreaterThan(c(60));
    expect(r.ex.tracked).toEqual([A, B]);
    expect(snap.games[0]?.status).toBe('quoting');
    expect(snap.games[0]?.markets[0]?.modeBid).toBe('monopsony');
  });

  it('quotes nothing without a theo, and pulls quotes when the theo goes stale', async () => {
    const r = rig();
    r.theo.current = null;
    await started(r);
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('no-theo');

    r.theo.current = {
      oddsEventId: 'odds-1',
      probabilities: { Boston: 0.6, Milwaukee: 0.4 },
      updatedMs: T0,
      books: 12,
    };
    await advance(r.clock, r.config.theoPollMs);
    await r.session.idle();
    expect(r.ex.resting()).toHaveLength(4);

    await advance(r.clock, r.config.theoMaxAgeMs + r.config.theoPollMs, 1_000);
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('theo-stale');
  });

  it('coalesces a burst of book changes into one requote', async () => {
    const r = await started(rig());
    const before = r.session.snapshot().counters['requotes']!;
    for (let i = 0; i < 200; i++) r.ex.emit({ type: 'book', ticker: i % 2 ? A : B });
    await r.session.idle();
    expect(r.session.snapshot().counters['requotes']! - before).toBe(1);
  });

  it('cancels everything of a game at its stop time and keeps nothing resting after it', async () => {
    const r = await started(rig({ reconcileMs: 10_000 }));
    expect(r.ex.resting()).toHaveLength(4);
    const stopAt = START - r.config.stopMarginMs;
    r.clock.advance(stopAt - r.clock.now() - 1_000);
    await r.session.idle();
    await advance(r.clock, 1_000);
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('outside-window');
    // Something appears on the book after the stop (a late create elsewhere): the next reconciliation takes it down.
    r.ex.orders.set('late', {
      orderId: 'late',
      clientOrderId: 'kmm-late-1',
      ticker: A,
      side: 'bid',
      price: c(50),
      remaining: 100,
      filled: 0,
    });
    await advance(r.clock, r.config.reconcileMs, 1_000);
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().alerts.some((a) => a.message.includes('after stop time'))).toBe(true);
  });

  it('a start moved earlier (lifecycle message, then the listing) pulls the stop time with it', async () => {
    const r = await started(rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 }));
    expect(r.ex.resting()).toHaveLength(4);
    const movedStart = r.clock.now() + r.config.stopMarginMs + 10 * 60_000; // 10 min of quoting left, not 2 h
    r.ex.events[0]!.startMs = movedStart;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await r.session.idle();
    await drain(5);
    expect(r.log.lines.some((l) => l.event === 'game_start_moved')).toBe(true);
    const newStop = movedStart - r.config.stopMarginMs;
    await advance(r.clock, newStop - r.clock.now() - r.config.stopLeadMs + 1_000, 1_000);
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('outside-window');
  });

  it('a start moved earlier cancels the resting orders: they come back carrying the new, earlier expiration', async () => {
    const r = await started(rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 }));
    const before = r.ex.resting();
    expect(before).toHaveLength(4);
    const oldExpiry = Math.floor((START - r.config.stopMarginMs) / 1000);
    expect(r.ex.created.every((o) => o.expirationTime === oldExpiry)).toBe(true);
    const movedStart = START - 3_600_000; // an hour earlier: still well ahead of now
    r.ex.events[0]!.startMs = movedStart;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await r.session.idle();
    await drain(5);
    await r.session.idle();
    const newExpiry = Math.floor((movedStart - r.config.stopMarginMs) / 1000);
    const resting = r.ex.resting();
    expect(resting).toHaveLength(4);
    // None of the old orders (old expiration) rests; every resting one was created with the new expiration.
    expect(resting.some((o) => before.some((b) => b.orderId === o.orderId))).toBe(false);
    const byClient = new Map(r.ex.created.map((o) => [o.clientOrderId, o]));
    for (const o of resting) expect(byClient.get(o.clientOrderId ?? '')?.expirationTime).toBe(newExpiry);
  });

  it('a start moved earlier by the odds feed (a theo with an earlier commence time) moves the stop time and the expirations too', async () => {
    const r = await started(rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 }));
    const before = r.ex.resting();
    expect(before).toHaveLength(4);
    const movedStart = START - 3_600_000; // the odds feed says an hour earlier; Kalshi's listing has not moved
    r.theo.current = { ...r.theo.current!, updatedMs: r.clock.now() + 1, commenceMs: movedStart };
    await advance(r.clock, r.config.theoPollMs, 500);
    await r.session.idle();
    await drain(5);
    await r.session.idle();
    const newExpiry = Math.floor((movedStart - r.config.stopMarginMs) / 1000);
    const resting = r.ex.resting();
    expect(resting).toHaveLength(4);
    expect(resting.some((o) => before.some((b) => b.orderId === o.orderId))).toBe(false);
    const byClient = new Map(r.ex.created.map((o) => [o.clientOrderId, o]));
    for (const o of resting) expect(byClient.get(o.clientOrderId ?? '')?.expirationTime).toBe(newExpiry);
    expect(r.session.snapshot().games[0]?.stopAtMs).toBe(
      movedStart - r.config.stopMarginMs - r.config.stopLeadMs,
    );
    // A later odds commence does not undo it while Kalshi's start is earlier... and here Kalshi's is later:
    // the earlier start wins, whichever source moved.
    r.theo.current = { ...r.theo.current!, updatedMs: r.clock.now() + 1, commenceMs: START + 3_600_000 };
    await advance(r.clock, r.config.theoPollMs, 500);
    await r.session.idle();
    expect(r.session.snapshot().games[0]?.stopAtMs).toBe(START - r.config.stopMarginMs - r.config.stopLeadMs);
  });

  it('a start moved earlier while the first creates wait for their order group: they carry the new expiration', async () => {
    const r = rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 });
    let releaseGroup!: () => void;
    const groupCreated = r.ex.createOrderGroup.bind(r.ex);
    r.ex.createOrderGroup = (limit, shard) =>
      new Promise<string>((resolve) => {
        releaseGroup = () => void groupCreated(limit, shard).then(resolve);
      });
    await r.session.start();
    r.ex.emit({ type: 'connection', state: 'up' });
    await settle(r.clock, 20);
    expect(r.ex.created).toEqual([]); // the quotes wait for the group
    const movedStart = START - 3_600_000;
    r.ex.events[0]!.startMs = movedStart;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await settle(r.clock, 20);
    releaseGroup();
    await r.session.idle();
    const newExpiry = Math.floor((movedStart - r.config.stopMarginMs) / 1000);
    expect(r.ex.created.length).toBeGreaterThan(0);
    for (const o of r.ex.created) expect(o.expirationTime).toBe(newExpiry);
  });

  it('dates changed on the lifecycle channel: quotes pulled at once, before any listing; a failed listing is retried on a floor and quotes return once one answers', async () => {
    const r = await started(rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 }));
    expect(r.ex.resting()).toHaveLength(4);
    r.ex.failEventListings = 2; // the re-listing and its first retry fail
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'dates' });
    await r.session.idle();
    await drain(5);
    await r.session.idle();
    // The new start may already be past the stop: nothing rests while it is unknown.
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('outside-window');
    await advance(r.clock, 1_000 + 2_000 + 500, 250); // retries after 1 s, then 2 s
    await r.session.idle();
    await drain(5);
    await r.session.idle();
    // The listing shows the start unchanged: quoting resumes (long before the hour-long discovery period).
    expect(r.session.snapshot().games[0]?.status).toBe('quoting');
    expect(r.ex.resting()).toHaveLength(4);
    expect(r.ex.calls.filter((x) => x.startsWith('listEvents')).length).toBeGreaterThanOrEqual(4);
  });

  it('a start moved later leaves the resting orders alone (their earlier expiration is still safe)', async () => {
    const r = await started(rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 }));
    const before = r.ex.resting().map((o) => o.orderId);
    r.ex.events[0]!.startMs = START + 3_600_000;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await r.session.idle();
    await drain(5);
    await r.session.idle();
    expect(r.ex.resting().map((o) => o.orderId)).toEqual(before);
  });

  it('a changed tick structure reaches the quoter: new quotes sit on the new grid', async () => {
    const r = await started(rig({ discoveryMs: 3_600_000 }));
    const twoCents = [{ start: c(1), end: c(99), step: c(2) }];
    for (const m of r.ex.events[0]!.markets) m.priceRanges = twoCents;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await r.session.idle();
    await drain(5);
    expect(r.session.priceRangesOf(A)).toEqual(twoCents);
    r.theo.current = {
      ...r.theo.current!,
      probabilities: { Boston: 0.63, Milwaukee: 0.37 },
      updatedMs: r.clock.now(),
    };
    await advance(r.clock, r.config.theoPollMs * 2);
    await r.session.idle();
    const prices = r.ex.resting().map((o) => o.price);
    expect(prices).toHaveLength(4);
    for (const p of prices) expect((p - c(1)) % c(2)).toBe(0);
    expect(r.log.lines.some((l) => l.event === 'tick_grid_changed')).toBe(true);
  });

  it('never lets exposure on the exchange pass the limit while fills hit all four sides', async () => {
    const r = await started(rig());
    const limit = r.session.snapshot().games[0]!.limit;
    expect(limit).toBe(2_000);
    for (let round = 0; round < 40; round++) {
      const resting = r.ex.resting();
      // Hit every side at once, as simultaneous takers would.
      for (const o of resting) r.ex.fill(o.orderId, Math.max(100, Math.floor(o.remaining / 2)));
      await r.session.idle();
      for (const b of exchangeWorstCase(r.ex, TICKERS)) {
        expect(b.upper).toBeLessThanOrEqual(limit);
        expect(b.lower).toBeGreaterThanOrEqual(-limit);
      }
      if (round % 10 === 9) await advance(r.clock, 1_000);
    }
    expect(r.session.snapshot().counters['limitBreaches']).toBe(0);
    expect(r.session.snapshot().counters['fills']).toBeGreaterThan(0);
  });

  it('takes the long side down and keeps the reducing side when inventory builds', async () => {
    const r = await started(rig());
    const bosBid = r.ex.resting().find((o) => o.ticker === A && o.side === 'bid')!;
    r.ex.fill(bosBid.orderId, bosBid.remaining); // long Boston
    await r.session.idle();
    const snap = r.session.snapshot();
    expect(snap.games[0]?.inventory).toBe(500);
    expect(snap.fills).toHaveLength(1);
    // The reducing sides (BOS ask, MIL bid) keep full size; the adding sides shrink.
    const size = (t: string, s: string) =>
      r.ex.resting().find((o) => o.ticker === t && o.side === s)?.remaining ?? 0;
    expect(size(A, 'ask')).toBeGreaterThanOrEqual(size(A, 'bid'));
  });

  it('gives the quoter one entry basis per game: long NO Milwaukee is long Boston at 1 − price', async () => {
    const r = rig();
    const seen: Map<string, number>[] = [];
    const real = r.ports.quoter;
    (r.ports as { quoter: typeof real }).quoter = (ctx) => {
      seen.push(new Map(ctx.entryPrices));
      return real(ctx);
    };
    await started(r);
    const milAsk = r.ex.resting().find((o) => o.ticker === B && o.side === 'ask')!;
    r.ex.fill(milAsk.orderId, 200); // sold YES Milwaukee = bought NO Milwaukee
    await r.session.idle();
    const last = seen.at(-1)!;
    expect(last.get(A)).toBe(1_000_000 - milAsk.price);
    expect(last.get(B)).toBe(milAsk.price);
  });

  it('asks for an odds refresh when inventory skews, debounced', async () => {
    const r = await started(rig({ refreshSkew: 0.2, refreshDebounceMs: 60_000 }));
    for (let i = 0; i < 3; i++) {
      const bid = r.ex.resting().find((o) => o.ticker === A && o.side === 'bid');
      if (bid) r.ex.fill(bid.orderId, bid.remaining);
      await r.session.idle();
    }
    expect(r.refreshes).toHaveLength(1);
    expect(r.refreshes[0]).toMatchObject({
      eventId: 'odds-1',
      sportKey: 'basketball_nba',
      reason: 'inventory-skew',
    });
  });

  it("asks for the refresh on the matched odds event's own sport key (a second tennis tournament)", async () => {
    const r = rig({ refreshSkew: 0.2 });
    const match = r.ports.mapper.match;
    (r.ports as { mapper: typeof r.ports.mapper }).mapper = {
      match: (sport, ev) => {
        const m = match(sport, ev);
        return m.ok ? { ...m, oddsSportKey: 'basketball_nba_summer_league' } : m;
      },
    };
    await started(r);
    const bid = r.ex.resting().find((o) => o.ticker === A && o.side === 'bid')!;
    r.ex.fill(bid.orderId, bid.remaining);
    await r.session.idle();
    expect(r.refreshes[0]).toMatchObject({ eventId: 'odds-1', sportKey: 'basketball_nba_summer_league' });
  });

  it('moves from monopsony to competitive when outbid, joins at the ceiling, and backs off past it', async () => {
    const r = await started(rig());
    const ourBid = () => r.ex.resting().find((o) => o.ticker === A && o.side === 'bid')!;
    const first = ourBid().price;
    expect(r.session.snapshot().games[0]?.markets[0]?.modeBid).toBe('monopsony');
    // A competitor bids one cent above us.
    r.ex.setBook(A, [{ price: first + c(1), size: 300 }], [{ price: c(75), size: 1_000 }]);
    await r.session.idle();
    r.ex.emit({ type: 'book', ticker: A });
    await r.session.idle();
    const mode = r.session.snapshot().games[0]?.markets[0]?.modeBid;
    expect(['competitive', 'ceiling']).toContain(mode);
    expect(ourBid().price).toBeGreaterThan(first);
    // The competitor reaches our ceiling (theo 60¢ − 1¢ min edge): we join there, never past it.
    const ceiling = c(60) - r.config.quoting.minEdge;
    r.ex.setBook(A, [{ price: ceiling, size: 300 }], [{ price: c(75), size: 1_000 }]);
    await r.session.idle();
    expect(ourBid().price).toBe(ceiling);
    // The competitor goes past theo: the bidding war ends, we back off to our own quote.
    r.ex.setBook(A, [{ price: c(61), size: 300 }], [{ price: c(75), size: 1_000 }]);
    await r.session.idle();
    expect(ourBid().price).toBeLessThanOrEqual(ceiling);
    expect(r.session.snapshot().games[0]?.markets[0]?.modeBid).toBe('monopsony');
  });

  it('kill flag: stops quoting and leaves zero resting orders within 60 s even when cancels lie', async () => {
    const r = await started(rig());
    expect(r.ex.resting()).toHaveLength(4);
    r.ex.lyingCancels = 6;
    r.flags.current = [{ scope: 'global', kind: 'kill', reason: 'operator pressed kill' }];
    const t = r.clock.now();
    await advance(r.clock, r.config.killPollMs);
    const done = r.session.killSwitch.trip('flag', 'same');
    for (let i = 0; i < 240 && r.session.killSwitch.state.phase === 'flattening'; i++)
      await advance(r.clock, 250);
    const result = await done;
    expect(result.flat).toBe(true);
    expect(r.ex.resting()).toEqual([]);
    expect(r.clock.now() - t).toBeLessThanOrEqual(60_000);
    expect(r.session.killSwitch.state.source).toBe('flag');
    // The REST client's last check refuses any create or amend still queued for tokens.
    expect(r.session.writeFence()).toBe('kill switch');
    // Nothing new after the kill, whatever the market does.
    r.ex.emit({ type: 'book', ticker: A });
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
  });

  it('a per-game pause flag pulls that game only; clearing it resumes', async () => {
    const r = await started(rig());
    r.flags.current = [{ scope: 'KXNBAGAME-26NOV25BOSMIL', kind: 'pause', reason: 'injury news' }];
    await advance(r.clock, r.config.killPollMs);
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('paused-by-operator');
    expect(r.session.killSwitch.tripped).toBe(false);
    r.flags.current = [];
    await advance(r.clock, r.config.killPollMs);
    await r.session.idle();
    expect(r.ex.resting()).toHaveLength(4);
  });

  it('restart mid-run adopts what rests and duplicates nothing', async () => {
    const r = await started(rig());
    const before = r.ex
      .resting()
      .map((o) => o.orderId)
      .sort();
    const createdBefore = r.ex.created.length;
    // The process dies without cancelling; a new one starts on the same account.
    const again = rig({}, r.ex, r.clock);
    await started(again);
    expect(
      r.ex
        .resting()
        .map((o) => o.orderId)
        .sort(),
    ).toEqual(before);
    expect(r.ex.created.length).toBe(createdBefore);
    expect(again.session.liveOrders()).toHaveLength(4);
    // Adopting orders is order churn, not a position disagreement: the drift alarm's metric stays silent.
    expect(again.metrics.counts.get('OrdersReconciled')).toBeGreaterThanOrEqual(4);
    expect(again.metrics.counts.get('ReconciliationDrift') ?? 0).toBe(0);
  });

  it('corrects position drift to the exchange within one reconciliation period plus the confirmation', async () => {
    const r = await started(rig());
    r.ex.positions.set(A, 700); // a fill the feed never delivered
    await advance(r.clock, r.config.reconcileMs + r.config.positionLagMs + 200, 500);
    await r.session.idle();
    expect(r.session.position(A)).toBe(700);
    expect(r.session.snapshot().drift[0]).toMatchObject({ ticker: A, local: 0, exchange: 700 });
    expect(r.metrics.counts.get('ReconciliationDrift')).toBe(1);
  });

  it('feed down: pulls quotes at once, pauses (not kills) past the bound', async () => {
    const r = await started(rig());
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    await advance(r.clock, r.config.feedDownPauseMs + 500, 500);
    expect(r.session.feedOutage().state).not.toBe('normal');
    expect(r.session.killSwitch.tripped).toBe(false);
  });

  it('start-up: the ws-down bound runs from the subscription request, not from boot (slow discovery)', async () => {
    const r = rig();
    let release = () => {};
    const discovering = new Promise<void>((res) => {
      release = res;
    });
    const list = r.ex.listEvents.bind(r.ex);
    r.ex.listEvents = async (series) => {
      await discovering;
      return list(series);
    };
    const starting = r.session.start();
    // Discovery of thousands of markets takes minutes: the feed has not been asked to subscribe yet.
    await advance(r.clock, r.config.feedDownPauseMs * 4, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    release();
    await starting;
    // Subscribed now: the feed gets the whole bound from here ...
    await advance(r.clock, r.config.feedDownPauseMs - 1_000, 500);
    expect(r.session.feedOutage().state).toBe('normal');
    // ... and trips it if it never comes up.
    await advance(r.clock, 1_500, 500);
    expect(r.session.feedOutage().state).not.toBe('normal');
  });

  it('start-up: a feed that came up while start-up still ran (event queued) does not pause for feed-down', async () => {
    const r = rig();
    let release = () => {};
    const reading = new Promise<void>((res) => {
      release = res;
    });
    const read = r.ports.theos.read;
    r.ports.theos.read = async (ids) => {
      await reading;
      return read(ids);
    };
    const starting = r.session.start();
    await drain();
    r.ex.emit({ type: 'connection', state: 'up' }); // queued until start-up ends
    await advance(r.clock, r.config.feedDownPauseMs * 2, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    release();
    await starting;
    await r.session.idle();
    expect(r.session.snapshot().connection.state).toBe('up');
    await advance(r.clock, r.config.feedDownPauseMs * 2, 1_000);
    expect(r.session.feedOutage().state).toBe('normal');
    // Down while start-up still runs is down: the bound applies from then.
    const r2 = rig();
    let release2 = () => {};
    const reading2 = new Promise<void>((res) => {
      release2 = res;
    });
    const read2 = r2.ports.theos.read;
    r2.ports.theos.read = async (ids) => {
      await reading2;
      return read2(ids);
    };
    const starting2 = r2.session.start();
    await drain();
    r2.ex.emit({ type: 'connection', state: 'up' });
    r2.ex.emit({ type: 'connection', state: 'down' });
    await advance(r2.clock, r2.config.feedDownPauseMs + 1_000, 500);
    expect(r2.session.feedOutage().state).not.toBe('normal');
    release2();
    await starting2;
  });

  it('trips the kill switch when a fill pushes exposure past the limit (invariant breach)', async () => {
    const r = await started(rig());
    // A fill the gate never saw (a manual order on the same account) takes the game past its limit.
    r.session.handle({
      type: 'fill',
      tradeId: 'manual-1',
      orderId: 'manual',
      ticker: A,
      side: 'bid',
      price: c(50),
      count: 2_500,
      tsMs: T0,
    });
    expect(r.session.killSwitch.state.source).toBe('limit_breach');
    expect(r.session.snapshot().counters['limitBreaches']).toBe(1);
    // Emitted with the alarm's dimensions only ({Shard}, added by the sink): no per-game series.
    expect(r.metrics.counts.get('InventoryLimitBreaches')).toBe(1);
    expect([...r.metrics.counts.keys()].filter((k) => k.startsWith('InventoryLimitBreaches{'))).toEqual([]);
    for (let i = 0; i < 40 && r.session.killSwitch.state.phase === 'flattening'; i++)
      await advance(r.clock, 500);
    expect(r.ex.resting()).toEqual([]);
  });

  it('does not call a position above a shrunken limit a breach; reducing fills are fine', async () => {
    const r = rig();
    r.ex.positions.set(A, 3_000); // found at start-up, above the 2 000 limit
    await started(r);
    expect(r.session.position(A)).toBe(3_000);
    expect(r.session.killSwitch.tripped).toBe(false);
    // Only reducing sides are quoted.
    for (const o of r.ex.resting()) expect((o.ticker === A) === (o.side === 'ask')).toBe(true);
  });

  it('denies every write without the lease', async () => {
    const lease: Lease = { token: () => null, valid: () => false, release: async () => {} };
    const r = rig();
    (r.ports as { lease?: Lease }).lease = lease;
    await started(r);
    expect(r.ex.created).toEqual([]);
    expect(r.session.snapshot().games[0]?.status).toBe('lease-lost');
    expect(r.session.writeFence()).toBe('shard lease lost');
  });

  it('quotes again within seconds of the lease coming back, with no market event to prompt it', async () => {
    let valid = true;
    const lease: Lease = { token: () => (valid ? 7 : null), valid: () => valid, release: async () => {} };
    const r = rig();
    (r.ports as { lease?: Lease }).lease = lease;
    await started(r);
    expect(slots(r.ex)).toHaveLength(4);
    // A DynamoDB blip: renewals fail, validity runs out; the next requote pulls the quotes.
    valid = false;
    r.session.markDirty('KXNBAGAME-26NOV25BOSMIL');
    await r.session.idle();
    expect(r.session.snapshot().games[0]?.status).toBe('lease-lost');
    expect(r.ex.resting()).toEqual([]);
    // The renewal succeeds again. The books and the theo stay as they were: nothing else will requote.
    valid = true;
    await advance(r.clock, 3_000);
    await r.session.idle();
    expect(r.session.snapshot().games[0]?.status).toBe('quoting');
    expect(slots(r.ex)).toHaveLength(4);
    r.session.dispose();
  });

  it('drops a malformed feed event without crashing', async () => {
    const r = await started(rig());
    r.session.handle({ type: 'fill' } as never);
    await r.session.idle();
    expect(r.ex.resting()).toHaveLength(4);
  });

  it('heartbeat: theo age covers games pulled for a stale theo, and PnL drawdown from the peak is emitted', async () => {
    const r = await started(rig());
    // Long 10 A at 50c with theo 60c: marked +$1.
    r.ex.positions.set(A, 1_000); // the exchange agrees (no drift correction)
    r.session.handle({
      type: 'fill',
      tradeId: 'f1',
      orderId: 'x',
      ticker: A,
      side: 'bid',
      price: c(50),
      count: 1_000,
      tsMs: T0,
    });
    await advance(r.clock, r.config.heartbeatMs, 1_000);
    expect(r.metrics.gauges.get('PnlDrawdownDollars')).toBe(0);
    // Theo falls to 40c: marked −$1, $2 below the peak.
    r.theo.current = {
      ...r.theo.current!,
      probabilities: { Boston: 0.4, Milwaukee: 0.6 },
      updatedMs: r.clock.now(),
    };
    await advance(r.clock, r.config.heartbeatMs, 1_000);
    expect(r.metrics.gauges.get('PnlDrawdownDollars')).toBeCloseTo(2, 6);
    // The theo stops updating: once past theoMaxAgeMs the game is pulled, and its age still shows.
    await advance(r.clock, r.config.theoMaxAgeMs + r.config.heartbeatMs, 5_000);
    expect(r.session.snapshot().games.find((g) => g.eventTicker === 'KXNBAGAME-26NOV25BOSMIL')?.status).toBe(
      'theo-stale',
    );
    expect(r.metrics.gauges.get('TheoAgeSeconds')).toBeGreaterThan(r.config.theoMaxAgeMs / 1000);
  });
});

describe('TradingSession liveness guard', () => {
  it('a game whose creates are refused for a lasting reason backs off, says why, and counts as stalled after stallAfterMs', async () => {
    const r = await started(rig({ stallAfterMs: 120_000 }));
    r.ex.refuseCreates = { code: 'insufficient_balance', message: 'insufficient balance' };
    // Everything rested; the exchange pulls it all (say a margin cancel) and refuses every create from here on.
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    const creates = () => r.ex.calls.filter((c) => c.startsWith('create ')).length;
    const before = creates();
    // Four minutes of book changes every 250 ms: a requote each.
    for (let t = 0; t < 240_000; t += 250) {
      r.ex.emit({ type: 'book', ticker: A });
      await advance(r.clock, 250);
    }
    await r.session.idle();
    expect(r.ex.resting()).toEqual([]);
    const g = r.session.snapshot().games[0]!;
    expect(g.status).toBe('insufficient-balance');
    // Exponential backoff from 1 s capped at 60 s: about ten batches in four minutes, not one per book change (960).
    expect(creates() - before).toBeLessThanOrEqual(12);
    expect(r.metrics.counts.get('WritesRefused{Reason=insufficient-balance}')).toBeGreaterThan(0);
    expect(r.metrics.gauges.get('GamesByReason{Reason=insufficient-balance}')).toBe(1);
    expect(r.metrics.gauges.get('GamesByReason{Reason=quoting}')).toBe(0);
    expect(r.metrics.gauges.get('GamesStalled')).toBe(1);
    // Its four sides want a create and have had none for minutes (create-queue.ts): the per-market gauges.
    expect(r.metrics.gauges.get('CreatesQueued')).toBe(4);
    expect(r.metrics.gauges.get('CreatesStarved')).toBe(4);
    expect(g.idleSinceMs).not.toBeNull();
    // The balance comes back: the next try after the backoff rests again and the stall clears.
    r.ex.refuseCreates = null;
    await advance(r.clock, 70_000, 1_000);
    await r.session.idle();
    expect(slots(r.ex)).toEqual(['BOS ask', 'BOS bid', 'MIL ask', 'MIL bid']);
    expect(r.session.snapshot().games[0]!.status).toBe('quoting');
    await advance(r.clock, r.config.heartbeatMs, 1_000);
    expect(r.metrics.gauges.get('GamesStalled')).toBe(0);
    expect(r.metrics.gauges.get('CreatesQueued')).toBe(0);
    expect(r.metrics.gauges.get('CreatesStarved')).toBe(0);
    r.session.dispose();
  });

  it('a game idle by design (no theo) is never stalled', async () => {
    const r = rig({ stallAfterMs: 60_000 });
    r.theo.current = null;
    await started(r);
    await advance(r.clock, 120_000, 1_000);
    expect(r.session.snapshot().games[0]!.status).toBe('no-theo');
    expect(r.metrics.gauges.get('GamesByReason{Reason=no-theo}')).toBe(1);
    expect(r.metrics.gauges.get('GamesStalled')).toBe(0);
    r.session.dispose();
  });
});

describe('TradingSession fees', () => {
  it('fees are refreshed with the listing: a known game takes the schedule the next listing carries', async () => {
    const r = await started(rig({ reconcileMs: 60_000, discoveryMs: 3_600_000 }));
    r.ex.events[0]!.fees = MOST_EXPENSIVE_PLAUSIBLE_FEES;
    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'other' });
    await r.session.idle();
    await drain(5);
    expect(r.log.lines.some((l) => l.event === 'game_fees_changed')).toBe(true);
    r.session.dispose();
  });
});

describe('TradingSession discovery', () => {
  it('a start-up listing lost to a 5xx is tried again within seconds, not at the next discovery period', async () => {
    const r = rig({ discoveryMs: 300_000 });
    r.ex.failEventListings = 2;
    await started(r);
    expect(r.session.snapshot().games).toEqual([]);
    await advance(r.clock, 5_000 + 10_000 + 500, 500); // 5 s, then 10 s
    await r.session.idle();
    expect(r.session.snapshot().games.map((g) => g.eventTicker)).toEqual(['KXNBAGAME-26NOV25BOSMIL']);
    expect(slots(r.ex)).toEqual(['BOS ask', 'BOS bid', 'MIL ask', 'MIL bid']);
    r.session.dispose();
  });
});

describe('TradingSession order group of a game refused as inactive', () => {
  class GroupDeletingExchange extends FakeExchange {
    deletedGroups: string[] = [];
    async deleteOrderGroup(id: string): Promise<void> {
      this.deletedGroups.push(id);
    }
  }

  it('a create refused "market closed" does not make a quotable game delete and recreate its order group on every requote', async () => {
    const ex = new GroupDeletingExchange();
    const r = rig({}, ex);
    ex.refuseCreates = { code: 'market_closed', message: 'market is closed' };
    await started(r);
    // Two minutes of book changes every 250 ms, with the game still open by every listing we have.
    for (let t = 0; t < 120_000; t += 250) {
      ex.emit({ type: 'book', ticker: A });
      await advance(r.clock, 250);
    }
    await r.session.idle();
    expect(r.session.snapshot().games[0]!.status).toBe('market-inactive');
    // The game is not finished: its group is kept, not deleted and created again at each requote (two writes each).
    expect(ex.deletedGroups).toEqual([]);
    expect(ex.calls.filter((c) => c === 'createOrderGroup')).toHaveLength(1);
    r.session.dispose();
  });
});
