/**
 * The worker end to end over real sockets: the simulated Kalshi exchange
 * (signed REST + WebSocket), DynamoDB (dynalite) holding theos and the kill
 * flag, and the real adapters wired by startWorker. Paper mode is this code
 * path with other URLs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../shared/store/shard-assignment.ts';
import { parseWorkerEnv, WorkerEnvError } from '../../worker/config.ts';
import {
  BOS,
  c,
  dynamo,
  EVENT,
  KEY_ID,
  keys,
  MIL,
  ours,
  restOther,
  START,
  sim,
  store,
  tickerDate,
  until,
  useWorkerHarness,
  worker,
} from './worker-harness.ts';

useWorkerHarness();

describe('worker over the simulated exchange and local DynamoDB', () => {
  it('signs trading writes off the event loop (thread pool by default, or a worker thread) and shuts the signer down on close', async () => {
    const log: Record<string, unknown>[] = [];
    const w = await worker(log, {}, { signing: 'worker-thread' });
    await until(() => ours().length === 4, 'four resting quotes, signed on the worker thread');
    expect(w.signing()).toEqual({ mode: 'worker-thread', fallbacks: 0, open: true });
    await w.stop('test');
    await w.close();
    expect(w.signing().open).toBe(false);
    const keyBody = keys.privateKey.split('\n')[1]!;
    expect(JSON.stringify(log)).not.toContain(keyBody);
  });

  it('maps the game, quotes four post-only sides in an order group, and books fills into inventory', async () => {
    const w = await worker();
    await until(() => ours().length === 4, 'four resting quotes');
    expect(w.signing()).toMatchObject({ mode: 'thread-pool', fallbacks: 0 });
    for (const o of ours()) {
      expect(o.postOnly).toBe(true);
      expect(o.cancelOrderOnPause).toBe(true);
      expect(o.orderGroupId).toBeTruthy();
      expect(o.clientOrderId).toMatch(/^kmm-/);
    }
    const game = w.session.snapshot().games[0]!;
    expect(game.eventTicker).toBe(EVENT);
    expect(game.status).toBe('quoting');
    const bid = ours().find((o) => o.ticker === BOS && o.side === 'bid')!;
    expect(bid.price).toBeLessThan(c(60));
    // A taker sells into our Boston bid.
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: bid.price,
      count: 300,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'taker_at_cross',
    });
    await until(() => w.session.position(BOS) === 300, 'the fill in inventory');
    expect(w.session.snapshot().games[0]?.inventory).toBe(300);
    // The fill reaches the store's audit trail, and quote decisions are sampled into the journal.
    await until(async () => (await store.fills.listByGame(EVENT)).length === 1, 'the fill stored');
    // The stored fill carries the fee the exchange charged and that we were the maker.
    const [stored] = await store.fills.listByGame(EVENT);
    const [charged] = sim.admin.fills('maker');
    expect(stored).toMatchObject({ fee: charged!.fee, isTaker: false, count: 300 });
    const [decision] = await store.decisions.listByGame(EVENT);
    expect(JSON.parse(decision!.decision)).toMatchObject({
      theo: { oddsEventId: 'odds-bos-mil' },
      stopAtMs: expect.any(Number),
    });
    // Discovery's match is stored for tools and restarts.
    expect(await store.mapping.get(EVENT)).toMatchObject({
      oddsEventId: 'odds-bos-mil',
      sportKey: 'basketball_nba',
      markets: expect.arrayContaining([{ ticker: BOS, outcome: expect.any(String) }]),
    });
    // Stopping writes the shard's positions as the exchange has them.
    await w.stop('test over');
    await until(async () => (await store.positions.latest('0'))?.source === 'shutdown', 'shutdown snapshot');
    const snap = await store.positions.latest('0');
    expect(snap?.positions).toEqual([{ ticker: BOS, position: 300 }]);
    expect(snap?.inventories).toEqual([{ eventTicker: EVENT, inventory: 300 }]);
  });

  it('kill flag in the store: zero resting orders within 60 s', async () => {
    const w = await worker();
    await until(() => ours().length === 4, 'four resting quotes');
    const t = Date.now();
    await store.kill.set('global', 'kill', 'test kill', 'test', Date.now());
    await until(() => w.session.killSwitch.state.phase === 'flat', 'flat', 60_000);
    expect(ours()).toEqual([]);
    expect(Date.now() - t).toBeLessThan(60_000);
  });

  it('restart mid-run adopts the resting orders and duplicates nothing', async () => {
    const first = await worker();
    await until(() => ours().length === 4, 'four resting quotes');
    const ids = ours()
      .map((o) => o.orderId)
      .sort();
    const placed = sim.admin.orders('maker').length;
    first.session.dispose(); // the process dies without cancelling anything
    await first.close();
    const log2: Record<string, unknown>[] = [];
    const second = await worker(log2);
    await second.idle();
    await new Promise((r) => setTimeout(r, 300));
    await second.idle();
    expect(
      ours()
        .map((o) => o.orderId)
        .sort(),
    ).toEqual(ids);
    expect(sim.admin.orders('maker').length).toBe(placed);
    expect(second.session.liveOrders()).toHaveLength(4);
  });

  it('an order-group trip: the game says group-tripped, the group is reset after its window and quotes rest again in it, with fewer than 20 refused creates', async () => {
    const log: Record<string, unknown>[] = [];
    const w = await worker(log, { orderGroupResetMs: 1_500 });
    await until(() => ours().length === 4, 'four resting quotes');
    const group = ours()[0]!.orderGroupId!;
    const seen = new Set<string>();
    w.session.onEvent((e) => {
      if (e.type === 'quote') for (const g of w.session.snapshot().games) seen.add(g.status);
    });
    // The exchange trips the group (as a runaway fill would): every order of it is cancelled, creates refused.
    sim.admin.triggerOrderGroup('maker', group);
    expect(ours()).toEqual([]);
    // Book changes meanwhile: each one is a requote that must not become a refused create.
    for (let i = 0; i < 20; i++) {
      sim.admin.placeOrder('other', {
        ticker: BOS,
        side: 'bid',
        price: c(44),
        count: 100,
        timeInForce: 'good_till_canceled',
        selfTradePrevention: 'taker_at_cross',
      });
      await new Promise((r) => setTimeout(r, 25));
    }
    await until(() => ours().length === 4, 'quotes resting again after the reset');
    expect(seen.has('group-tripped')).toBe(true);
    // Reset, not replaced: the game's orders are all in its one group.
    expect(ours().every((o) => o.orderGroupId === group)).toBe(true);
    const refused = log.filter(
      (e) => e['event'] === 'order_write_failed' && e['code'] === 'order_group_triggered',
    );
    expect(refused.length).toBeLessThan(20);
    expect(w.session.snapshot().games[0]!.status).toBe('quoting');
  });
});

/** Worst-case exposure on the exchange (sim truth): positions plus every resting order filling in the worst direction. */
function simWorstCase(): number {
  const pos = (t: string) => sim.admin.position('maker', t)?.position ?? 0;
  const e = pos(BOS) - pos(MIL);
  let up = e;
  let down = e;
  for (const o of ours()) {
    const d = (o.side === 'bid' ? 1 : -1) * o.remaining * (o.ticker === BOS ? 1 : -1);
    if (d > 0) up += d;
    else down += d;
  }
  return Math.max(up, -down);
}

describe('worker against a competitor', () => {
  it('moves from the monopsony quote to competitive when outbid, never past the ceiling', async () => {
    const w = await worker();
    await until(() => ours().length === 4, 'four resting quotes');
    const ourBid = () => ours().find((o) => o.ticker === BOS && o.side === 'bid');
    const first = ourBid()!.price;
    expect(w.session.snapshot().games[0]?.markets[0]?.modeBid).toBe('monopsony');
    // A competitor bids one cent above us.
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'bid',
      price: first + c(1),
      count: 200,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'taker_at_cross',
    });
    await until(() => (ourBid()?.price ?? 0) > first + c(1) - 1, 'our bid improving');
    expect(w.session.snapshot().games[0]?.markets[0]?.modeBid).toBe('competitive');
    // Theo 60¢, min edge 2¢ (the default), no maker fee on this series: we never bid above 58¢.
    const bestBid = () => w.session.snapshot().games[0]?.markets.find((m) => m.ticker === BOS)?.bestBid;
    let requotedOn59 = false;
    w.session.onEvent((e) => {
      if (e.type === 'quote' && bestBid() === c(59)) requotedOn59 = true;
    });
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'bid',
      price: c(59),
      count: 200,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'taker_at_cross',
    });
    // A requote with the 59¢ bid in our book has run (waited for, not timed: else the check could pass unseen).
    await until(() => requotedOn59, 'a requote with the 59¢ bid in the book');
    await w.idle();
    expect(ourBid()?.price ?? 0).toBeLessThanOrEqual(c(58));
  });
});

describe('worker at the stop time', () => {
  it('has nothing resting by the stop time: quoting ends a lead before it, and every order expires at it', async () => {
    const stopInMs = 4_000;
    const leadMs = 1_500;
    // One margin for both: reading the clock again after the worker's start-up moved stopAt by its duration.
    const stopMarginMs = START - Date.now() - stopInMs;
    const stopAt = START - stopMarginMs;
    const w = await worker([], { stopMarginMs, stopLeadMs: leadMs, reconcileMs: 500 });
    await until(() => ours().length === 4, 'four resting quotes');
    // The exchange itself will cancel each order at the stop time, even if the worker dies.
    for (const o of ours()) expect(o.expirationMs).toBe(Math.floor(stopAt / 1000) * 1000);
    await until(() => Date.now() >= stopAt, 'the stop time', 10_000);
    expect(ours()).toEqual([]);
    // Books keep moving after the stop: still nothing of ours rests.
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'bid',
      price: c(50),
      count: 100,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'taker_at_cross',
    });
    for (let i = 0; i < 20; i++) {
      expect(ours()).toEqual([]);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(w.session.snapshot().games[0]?.status).toBe('outside-window');
  });
});

describe('worker against exchange faults', () => {
  it('lying cancels: the kill switch still ends with nothing resting', async () => {
    const w = await worker();
    await until(() => ours().length === 4, 'four resting quotes');
    sim.faults.set({ lyingCancelMs: 1_500 });
    const t = Date.now();
    const r = await w.session.kill('operator', 'test');
    expect(r.flat).toBe(true);
    expect(ours()).toEqual([]);
    expect(Date.now() - t).toBeLessThan(60_000);
  });

  it('creates applied but answered 504: reconciliation adopts them, no slot ever holds two orders', async () => {
    sim.faults.set({ appliedErrorRemaining: 2 });
    const log5: Record<string, unknown>[] = [];
    const w = await worker(log5, { reconcileMs: 500 });
    await until(
      () => ours().length === 4 && w.session.liveOrders().every((o) => o.state === 'resting'),
      'four settled quotes',
    ).catch((e) => {
      console.log(
        JSON.stringify({
          ours: ours().map((o) => [o.orderId, o.ticker.slice(-3), o.side, o.remaining, o.clientOrderId]),
          live: w.session.liveOrders(),
          snap: w.session.snapshot().games[0]?.status,
          alerts: w.session.snapshot().alerts,
          log: log5.slice(0, 20),
        }),
      );
      throw e;
    });
    // Two reconciliations later (counted, not timed): still one order per slot.
    let reconciled = 0;
    w.session.onEvent((e) => {
      if (e.type === 'reconciled') reconciled++;
    });
    await until(() => reconciled >= 2, 'two more reconciliations');
    const slots = ours().map((o) => `${o.ticker}|${o.side}`);
    expect(new Set(slots).size).toBe(slots.length);
    expect(ours()).toHaveLength(4);
  });

  it('takers on all four sides with late fill messages and lagging positions: never past the limit', async () => {
    sim.faults.set({ lateFillMs: 150, positionLagMs: 1_000 });
    const w = await worker([], { reconcileMs: 700 });
    await until(() => ours().length >= 2, 'quotes');
    let worst = 0;
    for (let round = 0; round < 12; round++) {
      for (const o of ours())
        sim.admin.placeOrder('other', {
          ticker: o.ticker,
          side: o.side === 'bid' ? 'ask' : 'bid',
          price: o.price,
          count: 300,
          timeInForce: 'immediate_or_cancel',
          selfTradePrevention: 'taker_at_cross',
        });
      for (let i = 0; i < 10; i++) {
        worst = Math.max(worst, simWorstCase());
        await new Promise((r) => setTimeout(r, 15));
      }
    }
    expect(worst).toBeLessThanOrEqual(2_000);
    expect(w.session.snapshot().counters['limitBreaches']).toBe(0);
  });
});

describe('shards sharing one Kalshi account', () => {
  /** A second game that hashes to the other shard than EVENT (tickers carry the date, so pick at run time). */
  function otherShardGame() {
    const teams = [
      ['DEN', 'Denver', 'Denver Nuggets', 'PHX', 'Phoenix', 'Phoenix Suns'],
      ['MIA', 'Miami', 'Miami Heat', 'ORL', 'Orlando', 'Orlando Magic'],
      ['CHI', 'Chicago', 'Chicago Bulls', 'DET', 'Detroit', 'Detroit Pistons'],
      ['ATL', 'Atlanta', 'Atlanta Hawks', 'CHA', 'Charlotte', 'Charlotte Hornets'],
    ] as const;
    for (const [a, aCity, aName, h, hCity, hName] of teams) {
      const event = `KXNBAGAME-${tickerDate(START)}${a}${h}`;
      if (shardOf(event, 2) !== shardOf(EVENT, 2))
        return {
          event,
          away: [`${event}-${a}`, aCity, aName],
          home: [`${event}-${h}`, hCity, hName],
        } as const;
    }
    throw new Error('no candidate game on the other shard');
  }

  it("each shard names, reconciles and flattens only its own orders: one shard's stop leaves the other quoting", async () => {
    const g = otherShardGame();
    const e = sim.admin;
    e.createEvent({
      eventTicker: g.event,
      seriesTicker: 'KXNBAGAME',
      title: `${g.away[1]} at ${g.home[1]}`,
      startTimeMs: START,
    });
    for (const [ticker, team] of [g.away, g.home]) {
      e.createMarket({
        ticker,
        eventTicker: g.event,
        title: `${g.away[1]} at ${g.home[1]} Winner?`,
        yesSubTitle: team,
        openTimeMs: Date.now() - 86_400_000,
        closeTimeMs: START + 14 * 86_400_000,
        status: 'active',
      });
      for (const [side, price] of [
        ['bid', c(30)],
        ['ask', c(70)],
      ] as const)
        restOther(ticker, side, price);
    }
    await store.theos.put({
      eventId: 'odds-other',
      sportKey: 'basketball_nba',
      homeTeam: g.home[2],
      awayTeam: g.away[2],
      commenceTime: START,
      outcomes: [
        { name: g.away[2], probability: 0.5 },
        { name: g.home[2], probability: 0.5 },
      ],
      method: 'test',
      booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
      booksDropped: 0,
      asOf: Date.now(),
      source: 'poll',
    });
    const fast = { reconcileMs: 300 };
    const shard = (id: string) => worker([], fast, { shardId: id, shardCount: 2 });
    const [w0, w1] = await Promise.all([shard('0'), shard('1')]);
    await until(() => ours().length === 8, 'four quotes per game, one game per shard', 20_000);
    const prefixOf = (ticker: string) =>
      ticker.startsWith(`${EVENT}-`) ? shardOf(EVENT, 2) : shardOf(g.event, 2);
    for (const o of ours()) expect(o.clientOrderId).toMatch(new RegExp(`^kmms${prefixOf(o.ticker)}-`));
    const before = ours()
      .map((o) => o.orderId)
      .sort();
    // Several reconciliations later (counted, not timed) nobody has cancelled a sibling's "orphans".
    const reconciled = [0, 0];
    w0.session.onEvent((e) => {
      if (e.type === 'reconciled') reconciled[0]!++;
    });
    w1.session.onEvent((e) => {
      if (e.type === 'reconciled') reconciled[1]!++;
    });
    await until(() => reconciled.every((n) => n >= 3), 'three reconciliations on each shard');
    expect(
      ours()
        .map((o) => o.orderId)
        .sort(),
    ).toEqual(before);
    // One shard stops (a deploy rolls its task): its game is flat, the other keeps quoting.
    const [stopping, staying] = shardOf(EVENT, 2) === 0 ? [w0, w1] : [w1, w0];
    const r = await stopping.stop('sigterm');
    expect(r.flat).toBe(true);
    const left = ours();
    expect(left).toHaveLength(4);
    expect(left.every((o) => o.ticker.startsWith(`${g.event}-`))).toBe(true);
    expect(staying.session.killSwitch.tripped).toBe(false);
  }, 60_000);
});

describe('worker environment', () => {
  const base = { KALSHI_KEY_ID: 'k', KALSHI_PRIVATE_KEY_FILE: '/secrets/key.pem', TABLE_NAME: 't' };

  it('selects hosts by KALSHI_ENV and takes overrides', () => {
    expect(parseWorkerEnv({ ...base, KALSHI_ENV: 'prod' }).restBaseUrl).toBe(
      'https://external-api.kalshi.com/trade-api/v2',
    );
    expect(parseWorkerEnv({ ...base, KALSHI_ENV: 'demo' }).wsUrl).toContain('demo');
    expect(
      parseWorkerEnv({ ...base, KALSHI_REST_URL: 'http://127.0.0.1:9/trade-api/v2' }).restBaseUrl,
    ).toContain('127.0.0.1');
  });

  it('takes the private key as PEM text, as ECS injects it from Secrets Manager', () => {
    const { KALSHI_PRIVATE_KEY_FILE: _file, ...noFile } = base;
    const env = parseWorkerEnv({ ...noFile, KALSHI_PRIVATE_KEY_PEM: keys.privateKey });
    expect(env.privateKey).toEqual({ pem: keys.privateKey });
    expect(() => parseWorkerEnv({ ...base, KALSHI_PRIVATE_KEY_PEM: keys.privateKey })).toThrow(/exactly one/);
    expect(() => parseWorkerEnv({ ...noFile, KALSHI_PRIVATE_KEY_PEM: 'not a key' })).not.toThrow(/not a key/);
  });

  it('splits games over shards only with a shard number below SHARD_COUNT', () => {
    expect(parseWorkerEnv({ ...base, SHARD_ID: '1', SHARD_COUNT: '3' }).shardCount).toBe(3);
    expect(parseWorkerEnv({ ...base, SHARD_ID: 'paper' }).shardCount).toBe(1);
    expect(() => parseWorkerEnv({ ...base, SHARD_ID: '3', SHARD_COUNT: '3' })).toThrow(/SHARD_ID/);
    expect(() => parseWorkerEnv({ ...base, SHARD_ID: 'x', SHARD_COUNT: '2' })).toThrow(/SHARD_ID/);
  });

  it('names the bad variable, never its secret value', () => {
    expect(() => parseWorkerEnv({ ...base, KALSHI_KEY_ID: undefined })).toThrow(/KALSHI_KEY_ID/);
    expect(() => parseWorkerEnv({ ...base, KALSHI_ENV: 'staging' })).toThrow(/KALSHI_ENV/);
    expect(() =>
      parseWorkerEnv({ ...base, KALSHI_PRIVATE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:x' }),
    ).toThrow(/exactly one of KALSHI_PRIVATE_KEY_FILE/);
    expect(() => parseWorkerEnv({ ...base, ENGINE_CONFIG: '{"stopMarginMs": -1}' })).toThrow(/stopMarginMs/);
    try {
      parseWorkerEnv({ ...base, KALSHI_ENV: 'SECRET-VALUE-123' });
    } catch (err) {
      expect(err).toBeInstanceOf(WorkerEnvError);
      expect((err as Error).message).not.toContain('SECRET-VALUE-123');
    }
  });
});

describe('the worker process (main) and SIGTERM during start-up', () => {
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

  /** worker/main.ts as its own process, as ECS runs it; resolves with the log lines and how it ended. */
  function runMain(onLine: (event: string, child: ChildProcess) => void) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'],
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        TABLE_NAME: dynamo.tableName,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        KALSHI_REST_URL: sim.restBaseUrl,
        KALSHI_WS_URL: sim.wsUrl,
        KALSHI_KEY_ID: KEY_ID,
        KALSHI_PRIVATE_KEY_PEM: keys.privateKey,
        TASK_ID: 'task-under-test',
        ENGINE_CONFIG: JSON.stringify({
          sports: { nba: { series: ['KXNBAGAME'], oddsSportKey: 'basketball_nba' } },
          killPollMs: 200,
          kill: { flattenIntervalMs: 200 },
        }),
      },
    });
    const events: Record<string, unknown>[] = [];
    // Powertools logs info on stdout, warn and error on stderr (the awslogs driver ships both).
    const read = (stream: NodeJS.ReadableStream) => {
      let buffer = '';
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          try {
            const e = JSON.parse(line) as Record<string, unknown>;
            if (typeof e['message'] !== 'string') continue; // EMF metric documents
            events.push(e);
            onLine(e['message'], child);
          } catch {
            // not JSON
          }
        }
      });
    };
    read(child.stdout!);
    read(child.stderr!);
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, events, ended };
  }

  it('SIGTERM while waiting for a held lease: exits 0 at once, the other task keeps the shard', async () => {
    const other = await store.leases.acquire('0', 'other-task', Date.now(), 120_000);
    expect(other.acquired).toBe(true);
    const { child, events, ended } = runMain((event, c) => {
      if (event === 'lease_acquiring') setTimeout(() => c.kill('SIGTERM'), 300);
    });
    // A hang guard only: a child's start-up on a loaded machine took longer than the 20 s this once allowed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    const end = await ended;
    clearTimeout(timer);
    expect(end).toEqual({ code: 0, signal: null });
    expect(events.map((e) => e['message'])).toContain('worker_stopped');
    expect(events.map((e) => e['message'])).not.toContain('worker_started');
    // "At once": it stopped while the other task's lease was still live, not after waiting it out.
    const held = await store.leases.current('0');
    expect(held).toMatchObject({ owner: 'other-task' });
    expect(held!.expiresAt).toBeGreaterThan(Date.now());
  }, 60_000);

  it('SIGTERM right after the lease is taken (during start-up): the worker stops, flat, and releases the lease', async () => {
    const { child, events, ended } = runMain((event, c) => {
      if (event === 'lease_acquired') c.kill('SIGTERM');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    const end = await ended;
    clearTimeout(timer);
    expect(end).toEqual({ code: 0, signal: null });
    const names = events.map((e) => e['message']);
    expect(names).toContain('worker_stop_requested');
    expect(names).toContain('worker_stopped');
    const lease = await store.leases.current('0');
    expect(lease).toMatchObject({ owner: 'task-under-test' });
    expect(lease!.expiresAt).toBeLessThanOrEqual(Date.now()); // released, not left to expire
    expect(ours()).toEqual([]);
  }, 60_000);
});
