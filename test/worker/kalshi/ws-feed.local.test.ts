/**
 * The feed against a scripted loopback WebSocket server, for what the
 * simulator does not do on purpose: malformed frames, an invalid delta, a
 * terminal subscription error, a lost snapshot, and a refused upgrade.
 */
import { constants, verify } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { systemClock } from '../../../shared/clock.ts';
import { KalshiFeedAdapter } from '../../../worker/engine/adapters/kalshi-feed.ts';
import type { FeedEvent as EngineEvent } from '../../../worker/engine/ports.ts';
import { type FeedEvent, KalshiWsFeed } from '../../../worker/kalshi/ws-client.ts';
import { keys, signer, until } from './sim-setup.ts';

const T = 'KXTEST-26NOV14AAABBB-AAA';

interface Script {
  server: WebSocketServer;
  url: string;
  sockets: WebSocket[];
  commands: Record<string, unknown>[];
  upgrades: IncomingMessage[];
}

async function scripted(
  onCommand: (ws: WebSocket, cmd: Record<string, unknown>) => void,
  refuse = false,
): Promise<Script> {
  const sockets: WebSocket[] = [];
  const commands: Record<string, unknown>[] = [];
  const upgrades: IncomingMessage[] = [];
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    verifyClient: (info, cb) => {
      upgrades.push(info.req);
      cb(!refuse, 401);
    },
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  server.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (d) => {
      const cmd = JSON.parse(d.toString()) as Record<string, unknown>;
      commands.push(cmd);
      onCommand(ws, cmd);
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { server, url: `ws://127.0.0.1:${port}/trade-api/ws/v2`, sockets, commands, upgrades };
}

let script: Script | null = null;
let feed: KalshiWsFeed | null = null;
afterEach(async () => {
  feed?.stop();
  feed = null;
  if (script) {
    for (const s of script.sockets) s.terminate();
    await new Promise<void>((r) => script!.server.close(() => r()));
    script = null;
  }
});

const snapshot = (sid: number, seq: number, id?: number) => ({
  type: 'orderbook_snapshot',
  sid,
  seq,
  ...(id === undefined ? {} : { id }),
  msg: {
    market_ticker: T,
    yes_dollars_fp: [['0.4000', '10.00']],
    no_dollars_fp: [['0.5500', '10.00']],
  },
});

/** Answers subscribe with sid 1 (+ snapshot); get_snapshot with a fresh snapshot unless `dropSnapshots`. */
function exchange(opts: { dropSnapshots?: boolean } = {}) {
  let seq = 0;
  const state = { seq: () => seq, bump: () => ++seq };
  const handler = (ws: WebSocket, cmd: Record<string, unknown>) => {
    const params = cmd.params as Record<string, unknown> | undefined;
    if (cmd.cmd === 'subscribe') {
      const channels = params?.channels as string[];
      for (const [i, ch] of channels.entries()) {
        const sid = ch === 'orderbook_delta' ? 1 : 10 + i;
        ws.send(JSON.stringify({ id: cmd.id, type: 'subscribed', msg: { channel: ch, sid } }));
        if (ch === 'orderbook_delta') ws.send(JSON.stringify(snapshot(1, ++seq)));
      }
    } else if (cmd.cmd === 'update_subscription' && params?.action === 'get_snapshot') {
      if (!opts.dropSnapshots) ws.send(JSON.stringify(snapshot(1, ++seq, cmd.id as number)));
    }
  };
  return { handler, state };
}

function startFeed(url: string, extra: { snapshotTimeoutMs?: number } = {}) {
  const events: FeedEvent[] = [];
  feed = new KalshiWsFeed({
    url,
    signer,
    useYesPrice: true,
    privateChannels: ['fill'],
    pingIntervalMs: 50,
    silenceMs: 5_000,
    reconnect: { baseMs: 20, capMs: 100, minMs: 5 },
    ...extra,
  });
  feed.on((e) => events.push(e));
  feed.setMarkets([T]);
  feed.start();
  return { feed, events };
}

describe('WebSocket feed × scripted server', () => {
  it('signs the upgrade with ts + GET + /trade-api/ws/v2 and sends use_yes_price explicitly', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    const h = script.upgrades[0]!.headers;
    const ok = verify(
      'sha256',
      Buffer.from(`${h['kalshi-access-timestamp']}GET/trade-api/ws/v2`),
      {
        key: keys.publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      },
      Buffer.from(String(h['kalshi-access-signature']), 'base64'),
    );
    expect(ok).toBe(true);
    const sub = script.commands.find((c) =>
      (c.params as { channels: string[] }).channels.includes('orderbook_delta'),
    );
    expect(sub?.params).toMatchObject({ market_tickers: [T], use_yes_price: true });
    expect(feed.book(T).bestAsk()).toEqual({ price: 550_000, size: 1000 });
    expect(feed.book(T).updatedAt).toBeGreaterThan(0); // a snapshot carries no ts: stamped on arrival
  });

  it('malformed frames are counted and reported truncated; the feed keeps going', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed, events } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    const ws = script.sockets[0]!;
    ws.send('{not json');
    // Missing seq and fields: unreadable, so it cannot count as (or hide) a sequence step.
    ws.send(JSON.stringify({ type: 'orderbook_delta', sid: 1, msg: { market_ticker: T } }));
    ws.send('x'.repeat(10_000));
    ws.send(JSON.stringify({ type: 'some_future_message', sid: 3 }));
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: 0.41, delta_fp: 5, side: 'yes' },
      }),
    );
    await until(() => feed.book(T).bestBid()?.price === 410_000, 'valid delta after garbage applied');
    expect(feed.stats.frames.rejected).toBe(3);
    const bad = events.filter((e) => e.type === 'bad_frame');
    expect(bad).toHaveLength(3);
    for (const b of bad) expect(b.type === 'bad_frame' && b.detail.length).toBeLessThan(400);
    expect(feed.connectionState).toBe('connected');
  });

  it('an accepted delta reports its level; the engine adapter passes on only those inside its top levels', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed, events } = startFeed(script.url);
    const adapter = new KalshiFeedAdapter(feed, systemClock, 1);
    const engine: EngineEvent[] = [];
    adapter.onEvent((e) => engine.push(e));
    await until(() => feed.connectionState === 'connected', 'connected');
    const ws = script.sockets[0]!;
    const delta = (price: string, d: string) =>
      ws.send(
        JSON.stringify({
          type: 'orderbook_delta',
          sid: 1,
          seq: ex.state.bump(),
          msg: { market_ticker: T, price_dollars: price, delta_fp: d, side: 'yes' },
        }),
      );
    delta('0.3000', '5.00'); // below the 0.40 best bid: outside depth 1
    delta('0.4100', '1.00'); // a new best bid
    await until(() => feed.book(T).bestBid()?.price === 410_000, 'deltas applied');
    const books = events.filter((e) => e.type === 'book' && e.delta);
    expect(books.map((e) => e.type === 'book' && e.delta)).toEqual([
      { side: 'bid', price: 300_000, delta: 500 },
      { side: 'bid', price: 410_000, delta: 100 },
    ]);
    expect(engine.filter((e) => e.type === 'book')).toHaveLength(2); // the snapshot and the new best bid
    expect(adapter.deltaCounts).toEqual({ seen: 2, visible: 1 });
    expect(adapter.book(T)?.bids).toEqual([{ price: 410_000, size: 100 }]);
  });

  it('connected means every wanted book is live, as the market set and the books change', async () => {
    const U = 'KXTEST-26NOV14AAABBB-BBB';
    let seq = 0;
    const snap = (ws: WebSocket, ticker: string) =>
      ws.send(
        JSON.stringify({
          type: 'orderbook_snapshot',
          sid: 1,
          seq: ++seq,
          msg: { market_ticker: ticker, yes_dollars_fp: [['0.4000', '10.00']] },
        }),
      );
    // Snapshots only for T unless asked for U explicitly.
    script = await scripted((ws, cmd) => {
      const params = cmd.params as Record<string, unknown>;
      if (cmd.cmd === 'subscribe')
        for (const [i, ch] of (params.channels as string[]).entries()) {
          const sid = ch === 'orderbook_delta' ? 1 : 10 + i;
          ws.send(JSON.stringify({ id: cmd.id, type: 'subscribed', msg: { channel: ch, sid } }));
          if (ch === 'orderbook_delta') snap(ws, T);
        }
      else if (cmd.cmd === 'update_subscription')
        ws.send(JSON.stringify({ id: cmd.id, type: 'ok', sid: 1, msg: { market_tickers: [T, U] } }));
    });
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'T live');
    feed.addMarkets([U]);
    await until(() => feed.connectionState === 'degraded', 'U wanted, no snapshot yet');
    const ws = script.sockets[0]!;
    snap(ws, U);
    await until(() => feed.connectionState === 'connected', 'U live');
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ++seq,
        msg: { market_ticker: U, price_dollars: '0.4000', delta_fp: '-11.00', side: 'yes' },
      }),
    );
    await until(() => feed.connectionState === 'degraded', 'U invalid');
    feed.removeMarkets([U]); // no longer wanted: the invalid book does not hold the state down
    await until(() => feed.connectionState === 'connected', 'only T wanted');
    expect(feed.book(U).live).toBe(false);
    expect(feed.book(T).live).toBe(true);
  });

  it('a delta taking a level negative invalidates the market and asks for its snapshot', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    script.sockets[0]!.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: '0.4000', delta_fp: '-11.00', side: 'yes' },
      }),
    );
    await until(() => feed.stats.invalidBooks === 1, 'invalid detected');
    await until(
      () => script!.commands.some((c) => (c.params as { action?: string })?.action === 'get_snapshot'),
      'get_snapshot sent',
    );
    await until(() => feed.book(T).live, 'book live again');
    expect(feed.book(T).sizeAt('bid', 400_000)).toBe(1000);
  });

  it('a known tick grid catches an off-grid delta (invalid → snapshot)', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    feed.setGrid(T, [{ start: 0, end: 1_000_000, step: 10_000 }]);
    await until(() => feed.connectionState === 'connected', 'resnapshotted on the new grid');
    feed.setGrid(T, [{ start: 0, end: 1_000_000, step: 10_000 }]); // unchanged: no-op
    const requests = feed.stats.snapshotRequests;
    script.sockets[0]!.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: '0.4150', delta_fp: '1.00', side: 'yes' },
      }),
    );
    await until(() => feed.stats.invalidBooks === 1, 'off-grid detected');
    await until(() => feed.book(T).live, 'live again after snapshot');
    expect(feed.stats.snapshotRequests).toBe(requests + 1);
  });

  it('a terminal subscription error (25) resubscribes the books', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    script.sockets[0]!.send(
      JSON.stringify({ type: 'error', sid: 1, msg: { code: 25, msg: 'buffer overflow' } }),
    );
    await until(() => feed.stats.resubscribes === 1, 'resubscribed');
    await until(() => feed.connectionState === 'connected', 'connected again');
    const subs = script.commands.filter(
      (c) => c.cmd === 'subscribe' && (c.params as { channels: string[] }).channels[0] === 'orderbook_delta',
    );
    expect(subs).toHaveLength(2);
  });

  it('reconcile is signalled once the private channels are live, and again when one dies (code 10)', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed, events } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    await until(() => events.some((e) => e.type === 'reconnected'), 'first reconcile signal');
    const fillSub = script.commands.find((c) => (c.params as { channels: string[] }).channels[0] === 'fill');
    expect(fillSub).toBeDefined();
    // sid 10 is the fill subscription in this script
    script.sockets[0]!.send(
      JSON.stringify({ type: 'error', sid: 10, msg: { code: 10, msg: 'channel error' } }),
    );
    await until(() => events.filter((e) => e.type === 'reconnected').length === 2, 'second reconcile signal');
    const fillSubs = script.commands.filter(
      (c) => (c.params as { channels?: string[] })?.channels?.[0] === 'fill',
    );
    expect(fillSubs).toHaveLength(2);
    expect(feed.stats.reconnects).toBe(0);
  });

  it('a refused private re-subscription is retried: the feed does not stay down (paused) while the socket lives', async () => {
    const ex = exchange();
    let refuseFill = 0;
    script = await scripted((ws, cmd) => {
      const channels = (cmd.params as { channels?: string[] } | undefined)?.channels;
      // The exchange refuses the first re-subscription of `fill` (command rate, code 27).
      if (cmd.cmd === 'subscribe' && channels?.[0] === 'fill' && refuseFill-- === 1) {
        ws.send(JSON.stringify({ id: cmd.id, type: 'error', msg: { code: 27, msg: 'too many requests' } }));
        return;
      }
      ex.handler(ws, cmd);
    });
    const { feed, events } = startFeed(script.url);
    const adapter = new KalshiFeedAdapter(feed, systemClock);
    const engine: EngineEvent[] = [];
    adapter.onEvent((e) => engine.push(e));
    await until(() => events.some((e) => e.type === 'reconnected'), 'first reconcile signal');
    refuseFill = 1;
    script.sockets[0]!.send(
      JSON.stringify({ type: 'error', sid: 10, msg: { code: 10, msg: 'channel error' } }),
    );
    await until(() => engine.some((e) => e.type === 'connection' && e.state === 'down'), 'feed down');
    await until(
      () => engine.filter((e) => e.type === 'connection' && e.state === 'up').length === 2,
      'feed up again after the refused re-subscription',
    );
  });

  it('a private re-subscription never answered is not waited on for good: the connection starts over', async () => {
    const ex = exchange();
    let ignoreFill = 0;
    script = await scripted((ws, cmd) => {
      const channels = (cmd.params as { channels?: string[] } | undefined)?.channels;
      if (cmd.cmd === 'subscribe' && channels?.[0] === 'fill' && ignoreFill-- === 1) return; // no reply at all
      ex.handler(ws, cmd);
    });
    const { feed } = startFeed(script.url, { snapshotTimeoutMs: 150 });
    const adapter = new KalshiFeedAdapter(feed, systemClock);
    const engine: EngineEvent[] = [];
    adapter.onEvent((e) => engine.push(e));
    await until(() => engine.some((e) => e.type === 'connection' && e.state === 'up'), 'feed up');
    ignoreFill = 1;
    script.sockets[0]!.send(
      JSON.stringify({ type: 'error', sid: 10, msg: { code: 10, msg: 'channel error' } }),
    );
    await until(() => engine.some((e) => e.type === 'connection' && e.state === 'down'), 'feed down');
    await until(
      () => engine.filter((e) => e.type === 'connection' && e.state === 'up').length === 2,
      'feed up again after the unanswered re-subscription',
    );
  });

  it('a requested snapshot that never comes back rebuilds the subscription', async () => {
    const ex = exchange({ dropSnapshots: true });
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url, { snapshotTimeoutMs: 150 });
    await until(() => feed.connectionState === 'connected', 'connected');
    script.sockets[0]!.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.seq() + 5,
        msg: { market_ticker: T, price_dollars: '0.41', delta_fp: '1', side: 'yes' },
      }),
    );
    await until(() => feed.stats.gaps === 1, 'gap');
    await until(() => feed.stats.resubscribes >= 1, 'resubscribed after snapshot timeout');
    await until(() => feed.connectionState === 'connected', 'connected again');
  });

  it('a book frame on a sid we never subscribed, or just unsubscribed, touches no book and is counted', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed, events } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    const ws = script.sockets[0]!;
    const before = JSON.stringify(feed.book(T).levels('bid'));
    // sid 99 was never ours: a delta and a snapshot for our market on it.
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 99,
        seq: 1,
        msg: { market_ticker: T, price_dollars: '0.4500', delta_fp: '7.00', side: 'yes' },
      }),
    );
    ws.send(
      JSON.stringify({
        type: 'orderbook_snapshot',
        sid: 99,
        seq: 2,
        msg: { market_ticker: T, yes_dollars_fp: [['0.2000', '1.00']] },
      }),
    );
    // Then a real delta on our sid: applied, no gap (the foreign frames did not move our sid's seq).
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: '0.3000', delta_fp: '1.00', side: 'yes' },
      }),
    );
    await until(() => feed.book(T).sizeAt('bid', 300_000) === 100, 'our own delta applied');
    expect(feed.stats.dropped.unknown_sid).toBe(2);
    expect(feed.book(T).sizeAt('bid', 450_000)).toBe(0);
    expect(feed.book(T).sizeAt('bid', 400_000)).toBe(1000); // the foreign snapshot replaced nothing
    expect(JSON.stringify(feed.book(T).levels('bid'))).not.toBe(before);
    expect(feed.stats.gaps).toBe(0);
    // The market stays on our sid: a further delta on sid 1 is applied in sequence.
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: '0.3000', delta_fp: '1.00', side: 'yes' },
      }),
    );
    await until(() => feed.book(T).sizeAt('bid', 300_000) === 200, 'second delta on sid 1');
    expect(feed.sync.marketsOf(1)).toEqual([T]);
    expect(feed.sync.marketsOf(99)).toEqual([]);
    // Unsubscribe everything; a late delta on the old sid is dropped too.
    feed.setMarkets([]);
    await until(() => script!.commands.some((c) => c.cmd === 'unsubscribe'), 'unsubscribe sent');
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: '0.3000', delta_fp: '1.00', side: 'yes' },
      }),
    );
    await until(() => feed.stats.dropped.unknown_sid === 3, 'late delta on the dropped sid counted');
    expect(feed.book(T).sizeAt('bid', 300_000)).toBe(200);
    expect(feed.book(T).live).toBe(false);
    expect(events.filter((e) => e.type === 'book' && e.delta).length).toBe(2);
  });

  it('a locked book (best bid = best ask) is live, not re-snapshotted', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    const ws = script.sockets[0]!;
    // The snapshot has YES bid 0.40 and YES ask 0.55: a YES bid at 0.55 locks the book.
    ws.send(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, price_dollars: '0.5500', delta_fp: '2.00', side: 'yes' },
      }),
    );
    await until(() => feed.book(T).bestBid()?.price === 550_000, 'locking delta applied');
    expect(feed.book(T).bestAsk()?.price).toBe(550_000);
    expect(feed.book(T).live).toBe(true);
    expect(feed.stats.invalidBooks).toBe(0);
    expect(feed.stats.snapshotRequests).toBe(0);
    // A locked snapshot is live as well.
    ws.send(
      JSON.stringify({
        type: 'orderbook_snapshot',
        sid: 1,
        seq: ex.state.bump(),
        msg: { market_ticker: T, yes_dollars_fp: [['0.5000', '3.00']], no_dollars_fp: [['0.5000', '4.00']] },
      }),
    );
    await until(() => feed.book(T).bestBid()?.price === 500_000, 'locked snapshot applied');
    expect(feed.book(T).bestAsk()?.price).toBe(500_000);
    expect(feed.book(T).live).toBe(true);
    expect(feed.stats.snapshotRequests).toBe(0);
  });

  it('a malformed frame with a seq consumes it (no gap); an unknown type with a seq forces no snapshot', async () => {
    const ex = exchange();
    script = await scripted(ex.handler);
    const { feed } = startFeed(script.url);
    await until(() => feed.connectionState === 'connected', 'connected');
    const ws = script.sockets[0]!;
    const send = (o: unknown) => ws.send(JSON.stringify(o));
    // A message type we do not model, on our sid, with the next seq.
    send({ type: 'orderbook_summary', sid: 1, seq: ex.state.bump(), msg: { market_ticker: T } });
    send({
      type: 'orderbook_delta',
      sid: 1,
      seq: ex.state.bump(),
      msg: { market_ticker: T, price_dollars: '0.3000', delta_fp: '1.00', side: 'yes' },
    });
    await until(() => feed.book(T).sizeAt('bid', 300_000) === 100, 'delta after the unknown type applied');
    expect(feed.stats.gaps).toBe(0);
    expect(feed.stats.snapshotRequests).toBe(0);
    expect(feed.stats.frames.ignored).toBeGreaterThanOrEqual(1);
    // A malformed delta with a seq: its market is unknowable-as-applied, so only it is resnapshotted;
    // the next delta is in sequence (no gap, no resync of the whole sid).
    send({
      type: 'orderbook_delta',
      sid: 1,
      seq: ex.state.bump(),
      msg: { market_ticker: T, price_dollars: 'forty', delta_fp: '1.00', side: 'yes' },
    });
    await until(() => feed.stats.snapshotRequests === 1, 'its market resnapshotted');
    await until(() => feed.book(T).live, 'live again');
    send({
      type: 'orderbook_delta',
      sid: 1,
      seq: ex.state.bump(),
      msg: { market_ticker: T, price_dollars: '0.3000', delta_fp: '2.00', side: 'yes' },
    });
    await until(() => feed.book(T).sizeAt('bid', 300_000) === 200, 'next delta applied in sequence');
    expect(feed.stats.gaps).toBe(0);
    expect(feed.stats.frames.rejected).toBe(1);
  });

  it('a refused upgrade is retried with backoff, never thrown', async () => {
    const ex = exchange();
    script = await scripted(ex.handler, true);
    const { feed, events } = startFeed(script.url);
    await until(() => script!.upgrades.length >= 3, 'three upgrade attempts');
    expect(feed.connectionState).not.toBe('connected');
    expect(events.some((e) => e.type === 'error' && e.message.includes('401'))).toBe(true);
    const stamps = script.upgrades.map((u) => u.headers['kalshi-access-signature']);
    expect(new Set(stamps).size).toBe(stamps.length);
  });
});
