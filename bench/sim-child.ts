/**
 * The simulated exchange in its own process (so its CPU is not charged to the
 * worker's event loop), driven over IPC by the benchmarks:
 *   {cmd:'setup', games, publicKey, tier}  → {type:'ready', restBaseUrl, wsUrl}
 *   {cmd:'drive', rate, seconds, topEvery} → {type:'driven', deltas, topDeltas, seconds}
 *   {cmd:'exit'}
 */
import { type KalshiSim, startKalshiSim } from '../sim/kalshi/index.ts';
import {
  driverStep,
  games,
  KEY_ID,
  MAKER,
  SEED_ASKS,
  SEED_BIDS,
  SEED_SIZE,
  SERIES,
  STREET,
} from './fixture.ts';

type Command =
  | {
      cmd: 'setup';
      games: number;
      publicKey: string;
      tier: 'basic' | 'premier' | 'prime';
      limits: boolean;
      /** Signature freshness window (default the simulator's 30 s). */
      maxSkewMs?: number;
    }
  | { cmd: 'drive'; rate: number; seconds: number; topEvery: number }
  | { cmd: 'exit' };

let sim: KalshiSim | null = null;
let marketTickers: string[] = [];
const resting = new Map<string, string>();
let step = 0;
/**
 * Street orders are spread over many accounts: the simulator's per-user
 * collateral check grows with the user's resting orders (100k orders on one
 * account take minutes to place), which is not what this bench measures.
 */
const STREET_USERS = 200;
const streetOf = (market: number) => `${STREET}${Math.floor(market / 2) % STREET_USERS}`;

const reply = (m: unknown) => process.send?.(m);

async function setup(c: Extract<Command, { cmd: 'setup' }>): Promise<void> {
  sim = await startKalshiSim({
    seed: 9,
    limits: { tier: c.tier, enabled: c.limits },
    pingIntervalMs: 60_000,
    ...(c.maxSkewMs === undefined ? {} : { maxSkewMs: c.maxSkewMs }),
  });
  const now = Date.now();
  const a = sim.admin;
  a.createSeries({ ticker: SERIES, title: 'NBA game', feeType: 'quadratic_with_maker_fees' });
  for (let u = 0; u < STREET_USERS; u++) a.deposit(`${STREET}${u}`, 1e15);
  a.deposit(MAKER, 1e15);
  sim.registerKey(KEY_ID, c.publicKey, MAKER);
  marketTickers = [];
  for (const [gi, g] of games(c.games).entries()) {
    a.createEvent({
      eventTicker: g.eventTicker,
      seriesTicker: SERIES,
      title: `${g.away} at ${g.home}`,
      startTimeMs: now + 6 * 3_600_000,
    });
    for (const [i, t] of g.markets.entries()) {
      a.createMarket({
        ticker: t,
        eventTicker: g.eventTicker,
        title: `${g.away} at ${g.home}`,
        yesSubTitle: i === 0 ? g.home : g.away,
        openTimeMs: now - 3_600_000,
        closeTimeMs: now + 12 * 3_600_000,
        status: 'active',
      });
      marketTickers.push(t);
      for (const [prices, side] of [
        [SEED_BIDS, 'bid'],
        [SEED_ASKS, 'ask'],
      ] as const)
        for (const price of prices)
          a.placeOrder(streetOf(gi * 2 + i), {
            ticker: t,
            side,
            price,
            count: SEED_SIZE,
            timeInForce: 'good_till_canceled',
            selfTradePrevention: 'maker',
          });
    }
  }
  reply({ type: 'ready', restBaseUrl: sim.restBaseUrl, wsUrl: sim.wsUrl });
}

/** One street action: cancel the driver's order at this level if it rests, else place one. */
function act(topEvery: number): boolean {
  const s = driverStep(step++, marketTickers.length, topEvery);
  const ticker = marketTickers[s.market]!;
  const key = `${ticker}|${s.side}|${s.price}`;
  const a = sim!.admin;
  if (s.top) {
    // A street taker: sells 1 contract into our bid (or buys from our ask). The fill moves our
    // inventory, so our quote changes (skew, size top-up): the frame the maker must answer.
    try {
      a.placeOrder(streetOf(s.market), {
        ticker,
        side: s.side === 'bid' ? 'ask' : 'bid',
        price: s.price,
        count: 100,
        timeInForce: 'immediate_or_cancel',
        selfTradePrevention: 'maker',
      });
    } catch {
      return false;
    }
    return true;
  }
  const id = resting.get(key);
  try {
    if (id) {
      resting.delete(key);
      a.cancelOrder(streetOf(s.market), id);
    } else {
      const r = a.placeOrder(streetOf(s.market), {
        ticker,
        side: s.side,
        price: s.price,
        count: 500,
        timeInForce: 'good_till_canceled',
        selfTradePrevention: 'maker',
        postOnly: true,
      });
      if (r.order.remaining > 0) resting.set(key, r.order.orderId);
    }
  } catch {
    // A post-only street order that would cross our quote is refused: no delta, not counted.
    return false;
  }
  return false;
}

async function drive(c: Extract<Command, { cmd: 'drive' }>): Promise<void> {
  const t0 = performance.now();
  const end = t0 + c.seconds * 1000;
  let done = 0;
  let top = 0;
  // Paced in 1 ms slices: each slice catches up to rate × elapsed.
  await new Promise<void>((resolve) => {
    const slice = () => {
      const now = performance.now();
      const target = Math.floor(((Math.min(now, end) - t0) / 1000) * c.rate);
      let budget = Math.max(1, Math.ceil(c.rate / 200));
      while (done < target && budget-- > 0) {
        if (act(c.topEvery)) top++;
        done++;
      }
      if (now >= end && done >= target) resolve();
      else setTimeout(slice, 1);
    };
    slice();
  });
  reply({ type: 'driven', deltas: done, topDeltas: top, seconds: (performance.now() - t0) / 1000 });
}

process.on('message', (m: Command) => {
  if (m.cmd === 'setup') void setup(m);
  else if (m.cmd === 'drive') void drive(m);
  else if (m.cmd === 'exit') void sim?.close().finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
