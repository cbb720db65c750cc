/**
 * The WebSocket feed against the simulated exchange over loopback: books
 * equal the exchange's after snapshots, deltas, drops, seq gaps, half-open
 * sockets and subscription changes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import type { KalshiSim } from '../../../sim/kalshi/index.ts';
import { WsHub } from '../../../sim/kalshi/ws.ts';
import { type FeedEvent, KalshiWsFeed } from '../../../worker/kalshi/ws-client.ts';
import { BOS, booksEqual, localBook, MIL, rest, signer, simBook, startSim, until } from './sim-setup.ts';

let sim: KalshiSim;
let feed: KalshiWsFeed | null = null;
/** Commands the exchange has acted on (a silent exchange acts on them, it only does not answer). */
let received: string[] = [];
/** Real time the exchange takes to act on a command: a busy exchange, as on a loaded machine. */
let commandLagMs = 0;
beforeEach(() => {
  received = [];
  commandLagMs = 0;
  const command = WsHub.prototype.command;
  vi.spyOn(WsHub.prototype, 'command').mockImplementation(function (this: WsHub, s, text) {
    const act = () => {
      received.push(text);
      command.call(this, s, text);
    };
    if (commandLagMs > 0) setTimeout(act, commandLagMs);
    else act();
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  feed?.stop();
  feed = null;
  await sim?.close();
});
/** Subscribe commands the exchange has received so far, on every connection. */
const subscribesReceived = () => received.filter((t) => t.includes('"cmd":"subscribe"')).length;

function startFeed(opts: { useYesPrice?: boolean; pingIntervalMs?: number; silenceMs?: number } = {}) {
  const events: FeedEvent[] = [];
  feed = new KalshiWsFeed({
    url: sim.wsUrl,
    signer,
    useYesPrice: opts.useYesPrice ?? true,
    pingIntervalMs: opts.pingIntervalMs ?? 200,
    silenceMs: opts.silenceMs ?? 5_000,
    reconnect: { baseMs: 50, capMs: 400, minMs: 10 },
  });
  feed.on((e) => events.push(e));
  return { feed, events };
}

function seedBooks() {
  rest(sim, BOS, 'bid', 410_000, 25_000);
  rest(sim, BOS, 'bid', 430_000, 18_000);
  rest(sim, BOS, 'ask', 460_000, 9_000);
  rest(sim, BOS, 'ask', 490_000, 15_000);
  rest(sim, MIL, 'bid', 520_000, 30_000);
  rest(sim, MIL, 'ask', 560_000, 14_000);
}

const bothEqual = (f: KalshiWsFeed) => booksEqual(sim, f.book(BOS)) && booksEqual(sim, f.book(MIL));

describe('WebSocket feed × simulator', () => {
  for (const useYesPrice of [true, false]) {
    it(`snapshots then deltas give the exchange's books (use_yes_price ${useYesPrice})`, async () => {
      sim = await startSim();
      seedBooks();
      const { feed, events } = startFeed({ useYesPrice });
      feed.setMarkets([BOS, MIL]);
      feed.start();
      await until(() => feed.connectionState === 'connected', 'connected');
      expect(bothEqual(feed)).toBe(true);
      rest(sim, BOS, 'bid', 440_000, 1_000);
      rest(sim, MIL, 'ask', 550_000, 500);
      sim.admin.placeOrder('other', {
        ticker: BOS,
        side: 'ask',
        price: 430_000,
        count: 1_500,
        timeInForce: 'immediate_or_cancel',
        selfTradePrevention: 'taker_at_cross',
      });
      await until(() => bothEqual(feed), 'books equal after deltas');
      expect(localBook(feed.book(BOS)).bids[0]).toEqual(simBook(sim, BOS).bids[0]);
      expect(events.filter((e) => e.type === 'reconnected')).toHaveLength(1);
    });
  }

  it('drop → reconnect → books identical to the exchange (changes made while down included)', async () => {
    sim = await startSim();
    seedBooks();
    const { feed, events } = startFeed();
    feed.setMarkets([BOS, MIL]);
    feed.start();
    await until(() => feed.connectionState === 'connected', 'connected');
    sim.faults.dropWebSockets();
    rest(sim, BOS, 'bid', 450_000, 700);
    await until(() => feed.stats.reconnects >= 1 && feed.connectionState === 'connected', 'reconnected');
    await until(() => bothEqual(feed), 'books equal after reconnect');
    expect(events.filter((e) => e.type === 'reconnected').length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.type === 'state' && e.state === 'disconnected')).toBe(true);
  });

  it('seq gap → snapshots requested → correct books', async () => {
    sim = await startSim();
    seedBooks();
    const { feed, events } = startFeed();
    feed.setMarkets([BOS, MIL]);
    feed.start();
    await until(() => feed.connectionState === 'connected', 'connected');
    sim.faults.gapNow();
    rest(sim, MIL, 'bid', 530_000, 100); // this delta reveals the gap
    rest(sim, BOS, 'bid', 420_000, 100);
    await until(() => feed.stats.gaps >= 1, 'gap detected');
    await until(() => feed.connectionState === 'connected' && bothEqual(feed), 'books equal after resync');
    expect(feed.stats.snapshotRequests).toBeGreaterThanOrEqual(1);
    expect(feed.stats.reconnects).toBe(0);
    expect(events.some((e) => e.type === 'resync' && e.request.scope === 'subscription')).toBe(true);
  });

  it('a half-open connection is detected by silence and replaced', async () => {
    sim = await startSim();
    seedBooks();
    const { feed } = startFeed({ pingIntervalMs: 100, silenceMs: 400 });
    feed.setMarkets([BOS, MIL]);
    feed.start();
    await until(() => feed.connectionState === 'connected', 'connected');
    sim.faults.halfOpenWebSockets();
    rest(sim, BOS, 'bid', 440_000, 300);
    await until(() => feed.stats.silenceTimeouts >= 1, 'silence detected');
    await until(
      () => feed.connectionState === 'connected' && bothEqual(feed),
      'books equal on the new connection',
    );
    expect(feed.stats.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a half-open connection is replaced once a ping goes unanswered, long before the silence bound', async () => {
    sim = await startSim();
    seedBooks();
    const clock = new ManualClock(Date.now()); // the exchange checks signatures against the wall clock
    const f = new KalshiWsFeed({
      url: sim.wsUrl,
      signer,
      clock,
      pingIntervalMs: 1_000,
      pongTimeoutMs: 1_500,
      silenceMs: 60_000,
      reconnect: { baseMs: 50, capMs: 400, minMs: 10 },
    });
    feed = f;
    f.setMarkets([BOS, MIL]);
    f.start();
    await until(() => f.connectionState === 'connected', 'connected');
    // A healthy socket answers every ping: nothing is dropped.
    for (let i = 0; i < 4; i++) {
      clock.advance(1_000);
      await until(() => f.quietForMs() === 0, 'pong');
    }
    expect(f.stats.reconnects).toBe(0);
    sim.faults.halfOpenWebSockets();
    rest(sim, BOS, 'bid', 440_000, 300); // lost on the silent socket
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    // 3 s of silence, a twentieth of the silence bound: the unanswered ping condemned the socket, and a
    // new connection is on its way (the reconnect delay, ≤ 50 ms here, is inside those 3 s).
    await until(() => f.stats.connections === 2, 'a new connection');
    expect(f.stats.pongTimeouts).toBe(1);
    expect(f.stats.silenceTimeouts).toBe(0);
    // Scenario time moves only across a reconnect delay: a healthy socket's round trips, however slow
    // the machine, cost none (else a slow pong reads as a dead socket).
    await until(() => {
      if (f.connectionState === 'disconnected') clock.advance(50);
      return f.connectionState === 'connected' && bothEqual(f);
    }, 'books equal on the new connection');
    expect(f.stats.reconnects).toBe(1);
  });

  it('a subscription sent while the exchange was silent is given up within the ack timeout, not the snapshot timeout', async () => {
    sim = await startSim();
    commandLagMs = 100; // longer than any short real-time sleep
    seedBooks();
    const clock = new ManualClock(Date.now()); // the exchange checks signatures against the wall clock
    const f = new KalshiWsFeed({
      url: sim.wsUrl,
      signer,
      clock,
      pingIntervalMs: 1_000,
      pongTimeoutMs: 1_500,
      silenceMs: 60_000,
      snapshotTimeoutMs: 10_000,
      subscribeAckTimeoutMs: 2_000,
      reconnect: { baseMs: 50, capMs: 400, minMs: 10 },
    });
    feed = f;
    f.setMarkets([BOS, MIL]);
    f.start();
    await until(() => f.connectionState === 'connected', 'connected');
    // The exchange goes silent (every socket, new ones too): the dead socket is replaced, and the new
    // one's subscriptions get no answer.
    sim.faults.set({ halfOpen: true });
    await until(() => {
      clock.advance(100);
      return f.stats.connections === 2;
    }, 'a second connection');
    // Two subscribes per connection (private channels, then the order book): the second's both arrived.
    await until(() => subscribesReceived() === 4, 'its subscribes at the silent exchange');
    sim.faults.set({ halfOpen: false }); // it speaks again; what it did not answer stays unanswered
    // Scenario time moves only while the feed waits on it (the second socket's unanswered subscription,
    // a reconnect delay), never while the third socket's round trips are on their way: real I/O at any
    // load costs no scenario time, so the bound below is the feed's, not the machine's.
    let waited = 0;
    await until(() => {
      if (f.connectionState === 'connected' && bothEqual(f)) return true;
      if (f.stats.connections === 2 || f.connectionState === 'disconnected') {
        clock.advance(100);
        waited += 100;
      }
      return false;
    }, 'connected with the books of the exchange');
    // Connected again within 5 s of the silence ending: before, the lost acknowledgement was awaited 10 s.
    expect(waited).toBeLessThanOrEqual(5_000);
    expect(f.stats.connections).toBe(3);
  });

  it('an unanswered subscription is given up when its acknowledgement is due, not at the next ping', async () => {
    sim = await startSim();
    commandLagMs = 100; // longer than any short real-time sleep
    seedBooks();
    sim.faults.set({ halfOpen: true }); // the exchange answers nothing from the start
    const clock = new ManualClock(Date.now()); // the exchange checks signatures against the wall clock
    const f = new KalshiWsFeed({
      url: sim.wsUrl,
      signer,
      clock,
      pingIntervalMs: 10_000,
      pongTimeoutMs: 10_000,
      silenceMs: 60_000,
      subscribeAckTimeoutMs: 2_000,
      reconnect: { baseMs: 50, capMs: 400, minMs: 10 },
    });
    feed = f;
    f.setMarkets([BOS, MIL]);
    f.start();
    await until(() => f.stats.connections === 1, 'connected (socket open)');
    // Two subscribes per connection (private channels, then the order book): both arrived.
    await until(() => subscribesReceived() === 2, 'the subscribes at the silent exchange');
    sim.faults.set({ halfOpen: false });
    for (let i = 0; i < 21; i++) {
      clock.advance(100);
      await new Promise((r) => setTimeout(r, 5));
    }
    // 2.1 s: the acknowledgement was due at 2 s; the first ping (and its check) would come at 10 s.
    await until(() => f.stats.connections === 2, 'a new connection');
    await until(() => {
      if (f.connectionState === 'disconnected') clock.advance(50); // a reconnect delay; round trips cost none
      return f.connectionState === 'connected' && bothEqual(f);
    }, 'connected with the books of the exchange');
    expect(f.stats.connections).toBe(2);
  });

  it('markets are added and removed without reconnecting', async () => {
    sim = await startSim();
    seedBooks();
    const { feed } = startFeed();
    feed.setMarkets([BOS]);
    feed.start();
    await until(() => feed.connectionState === 'connected', 'connected');
    expect(feed.book(MIL).state).toBe('stale');
    feed.addMarkets([MIL]);
    await until(() => feed.book(MIL).live && booksEqual(sim, feed.book(MIL)), 'MIL live');
    feed.removeMarkets([BOS]);
    await until(() => feed.book(BOS).state === 'stale', 'BOS dropped');
    rest(sim, MIL, 'ask', 570_000, 100);
    await until(() => booksEqual(sim, feed.book(MIL)), 'MIL still follows');
    expect(feed.stats.reconnects).toBe(0);
    expect(feed.connectionState).toBe('connected');
  });

  it('JSON numbers for strings and duplicate fills are survived; fills are de-duplicated by trade_id', async () => {
    sim = await startSim({ faults: { numbersAsNumbersRate: 1, duplicateFillRate: 1 } });
    seedBooks();
    const { feed, events } = startFeed();
    feed.setMarkets([BOS, MIL]);
    feed.start();
    await until(() => feed.connectionState === 'connected', 'connected');
    // our resting bid, then someone sells into it
    sim.admin.placeOrder('maker', {
      ticker: BOS,
      side: 'bid',
      price: 440_000,
      count: 1_000,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: 'taker_at_cross',
      clientOrderId: 'mine-1',
    });
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: 440_000,
      count: 1_000,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'taker_at_cross',
    });
    await until(() => feed.stats.duplicateFills >= 1, 'duplicate fill seen');
    await until(() => bothEqual(feed), 'books equal');
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(1);
    expect(feed.stats.frames.rejected).toBe(0);
  });
});
