/**
 * Private-channel gaps (fills and order updates carry no seq): after a
 * reconnect, and after a dead `fill` subscription, the feed reports itself up
 * only once the private subscriptions are acknowledged again and the fills
 * missed in the gap have been read back from REST — each exactly once — so the
 * session's trusted reconciliation (run on 'up') sees them as fills, with their
 * records and PnL, not as drift.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { KalshiRestClient } from '../../../shared/kalshi/rest-client.ts';
import type { Fill } from '../../../shared/kalshi/schemas/rest.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { KalshiFeedAdapter } from '../../../worker/engine/adapters/kalshi-feed.ts';
import type { FeedEvent } from '../../../worker/engine/ports.ts';
import { restFillBackfill } from '../../../worker/kalshi/fill-backfill.ts';
import { KalshiWsFeed } from '../../../worker/kalshi/ws-client.ts';
import { BOS, MIL, signer, startSim, T0, until } from './sim-setup.ts';

let sim: KalshiSim | null = null;
let feed: KalshiWsFeed | null = null;
let client: KalshiRestClient | null = null;
let server: WebSocketServer | null = null;
afterEach(async () => {
  feed?.stop();
  feed = null;
  await client?.close();
  client = null;
  await sim?.close();
  sim = null;
  if (server) {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
  }
});

const sell = (s: KalshiSim, count: number) =>
  s.admin.placeOrder('other', {
    ticker: BOS,
    side: 'ask',
    price: 440_000,
    count,
    timeInForce: 'immediate_or_cancel',
    selfTradePrevention: 'taker_at_cross',
  });

const kinds = (events: FeedEvent[]) =>
  events
    .filter((e) => e.type === 'fill' || e.type === 'connection')
    .map((e) => (e.type === 'fill' ? `fill ${e.count}` : e.type === 'connection' ? e.state : ''));

describe('private-channel gaps × simulator', () => {
  it('a fill missed while the socket was half-open comes back from REST once, before the feed is up again', async () => {
    const clock = new SteppedClock(T0);
    sim = await startSim({ clock });
    sim.admin.placeOrder('maker', {
      ticker: BOS,
      side: 'bid',
      price: 440_000,
      count: 1_000,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'taker_at_cross',
    });
    client = new KalshiRestClient({ baseUrl: sim.restBaseUrl, signer, retry: { baseMs: 20, capMs: 200 } });
    feed = new KalshiWsFeed({
      url: sim.wsUrl,
      signer,
      pingIntervalMs: 50,
      silenceMs: 400,
      reconnect: { baseMs: 20, capMs: 100, minMs: 5 },
    });
    const engineClock: Clock = { ...systemClock, now: () => clock.now() };
    const backfills: { listed: number; applied: number; error?: string }[] = [];
    const adapter = new KalshiFeedAdapter(feed, engineClock, 10, {
      backfill: restFillBackfill(client),
      onBackfill: (r) => backfills.push(r),
    });
    const events: FeedEvent[] = [];
    adapter.onEvent((e) => events.push(e));
    feed.setMarkets([BOS, MIL]);
    feed.start();
    await until(() => kinds(events).includes('up'), 'up');
    sell(sim, 200); // delivered on the socket
    await until(() => kinds(events).includes('fill 200'), 'live fill');
    sim.faults.halfOpenWebSockets();
    clock.advance(5_000);
    sell(sim, 300); // swallowed by the silent socket
    await until(() => feed!.stats.reconnects === 1, 'reconnected after silence');
    await until(() => kinds(events).filter((k) => k === 'up').length === 2, 'up again');
    expect(kinds(events)).toEqual(['up', 'fill 200', 'down', 'fill 300', 'up']);
    expect(backfills).toEqual([{ listed: 2, applied: 1 }]); // the live fill was listed too, and skipped
    const missed = events.find((e) => e.type === 'fill' && e.count === 300);
    expect(missed).toMatchObject({ ticker: BOS, side: 'bid', price: 440_000, tsMs: T0 + 5_000 });
  });
});

describe('private-channel gaps × scripted server', () => {
  const T = 'KXTEST-26NOV14AAABBB-AAA';

  /** Answers subscribes (fill on sid 10, user_orders on 11, books on 1); private acks wait while `hold`. */
  async function exchange() {
    const state = { hold: true, held: [] as (() => void)[], sockets: [] as WebSocket[] };
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => server!.once('listening', () => r()));
    server.on('connection', (ws) => {
      state.sockets.push(ws);
      ws.on('message', (d) => {
        const cmd = JSON.parse(d.toString()) as { id: number; cmd: string; params: { channels?: string[] } };
        if (cmd.cmd !== 'subscribe') return;
        for (const ch of cmd.params.channels ?? []) {
          const sid = ch === 'orderbook_delta' ? 1 : ch === 'fill' ? 10 : 11;
          const ack = () =>
            ws.send(JSON.stringify({ id: cmd.id, type: 'subscribed', msg: { channel: ch, sid } }));
          if (ch === 'orderbook_delta') {
            ack();
            ws.send(
              JSON.stringify({
                type: 'orderbook_snapshot',
                sid: 1,
                seq: 1,
                msg: { market_ticker: T, yes_dollars_fp: [['0.4000', '10.00']] },
              }),
            );
          } else if (state.hold) state.held.push(ack);
          else ack();
        }
      });
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/trade-api/ws/v2`;
    return { url, state };
  }

  const restFill = (id: string, count: number): Fill => ({
    fill_id: id,
    trade_id: id,
    order_id: 'o-1',
    client_order_id: 'kmm-1',
    ticker: T,
    outcome_side: 'yes',
    book_side: 'bid',
    count_fp: count,
    yes_price_dollars: 400_000,
    is_taker: false,
    fee_cost: 0,
    created_time: Date.UTC(2026, 10, 14, 21),
  });

  it('up waits for the private acknowledgement; a dead fill subscription is resubscribed, backfilled, then up', async () => {
    const { url, state } = await exchange();
    const listed: Fill[] = [];
    const asked: number[] = [];
    feed = new KalshiWsFeed({ url, signer, pingIntervalMs: 50, silenceMs: 5_000 });
    const adapter = new KalshiFeedAdapter(feed, systemClock, 10, {
      backfill: async (since) => {
        asked.push(since);
        return listed;
      },
    });
    const events: FeedEvent[] = [];
    adapter.onEvent((e) => events.push(e));
    feed.setMarkets([T]);
    feed.start();
    await until(() => feed!.connectionState === 'connected', 'books live');
    await until(() => state.held.length === 2, 'private subscribes held');
    expect(kinds(events)).toEqual([]); // books live, private channels not acknowledged: not up
    state.hold = false;
    for (const ack of state.held.splice(0)) ack();
    await until(() => kinds(events).includes('up'), 'up after the private acks');
    expect(asked).toEqual([]); // the first connection has no gap to backfill

    // The fill subscription dies; the fill made meanwhile is listed over REST.
    state.hold = true;
    const beforeGap = Date.now();
    state.sockets[0]!.send(
      JSON.stringify({ type: 'error', sid: 10, msg: { code: 10, msg: 'channel error' } }),
    );
    await until(() => kinds(events).includes('down'), 'down on the dead fill channel');
    await until(() => state.held.length === 1, 'fill resubscribe held');
    listed.push(restFill('t-1', 500));
    expect(kinds(events)).toEqual(['up', 'down']);
    for (const ack of state.held.splice(0)) ack();
    await until(() => kinds(events).filter((k) => k === 'up').length === 2, 'up after the resubscription');
    expect(kinds(events)).toEqual(['up', 'down', 'fill 500', 'up']);
    expect(asked).toHaveLength(1);
    expect(asked[0]!).toBeLessThan(beforeGap); // from before the gap (margin)
    expect(feed.stats.reconnects).toBe(0);
    // The same fill arriving late on the socket is a duplicate, not a second fill.
    state.sockets[0]!.send(
      JSON.stringify({
        type: 'fill',
        sid: 10,
        msg: {
          trade_id: 't-1',
          order_id: 'o-1',
          market_ticker: T,
          is_taker: false,
          yes_price_dollars: '0.4000',
          count_fp: '5.00',
          fee_cost: '0.0000',
          outcome_side: 'yes',
          book_side: 'bid',
          ts: 1_700_000_000,
        },
      }),
    );
    await until(() => feed!.stats.duplicateFills === 1, 'late duplicate dropped');
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(1);
  });
});
