/**
 * Signing cost, event-loop delay at the write budget, and our undici REST
 * client against the official `kalshi-typescript` SDK (axios) doing the same
 * signed create-order calls at the same concurrency against the same
 * simulator (in a child process), in one run.
 */
import { constants, createPrivateKey, sign } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  BookSide,
  Configuration,
  CreateOrderV2RequestTimeInForceEnum,
  OrdersApi,
  SelfTradePreventionType,
} from 'kalshi-typescript';
import { PRIORITY } from '../shared/kalshi/rate-limiter.ts';
import { KalshiRestClient } from '../shared/kalshi/rest-client.ts';
import { withSignQueue } from '../shared/kalshi/sign-queue.ts';
import { createRsaSigner, type Signer, stringToSign } from '../shared/kalshi/signer.ts';
import { createThreadPoolSigner } from '../shared/kalshi/thread-signer.ts';
import { undiciTransport } from '../worker/kalshi/undici-transport.ts';
import { startChild } from './child.ts';
import { type Figure, figure, Latency } from './figures.ts';
import { games, KEY_ID, rsaKeyPair } from './fixture.ts';

/**
 * A Signer whose RSA work runs on libuv's thread pool (crypto.sign with a
 * callback), not on the event loop. Bench-only: it shows what moving the
 * signature off the loop buys, without changing shared/kalshi/.
 */
export function threadPoolSigner(keyId: string, pem: string): Signer {
  const key = createPrivateKey(pem);
  return {
    keyId,
    sign: (ts, method, path) =>
      new Promise((resolve, reject) =>
        sign(
          'sha256',
          Buffer.from(stringToSign(ts, method, path)),
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          (err, sig) => (err ? reject(err) : resolve(sig.toString('base64'))),
        ),
      ),
  };
}

async function withSim<T>(gamesN: number, fn: (urls: { restBaseUrl: string }, pem: string) => Promise<T>) {
  const keys = rsaKeyPair();
  const sim = startChild(join(import.meta.dirname, 'sim-child.ts'));
  try {
    const urls = await sim.ask<{ restBaseUrl: string }>(
      { cmd: 'setup', games: gamesN, publicKey: keys.publicKey, tier: 'prime', limits: false },
      'ready',
    );
    return await fn(urls, keys.privateKey);
  } finally {
    await sim.exit();
  }
}

/** A far-from-market post-only bid on market `i`: rests, never trades. */
function orderOf(tickers: string[], i: number, prefix: string) {
  return {
    ticker: tickers[i % tickers.length]!,
    side: 'bid' as const,
    price: 10_000 * (1 + (i % 20)),
    count: 100,
    client_order_id: `${prefix}-${i}`,
    time_in_force: 'good_till_canceled' as const,
    self_trade_prevention_type: 'maker' as const,
    post_only: true,
  };
}

/** Orders at `perSec` for `seconds` through `rest`; the event loop is watched meanwhile. */
async function paced(
  rest: KalshiRestClient,
  tickers: string[],
  perSec: number,
  seconds: number,
  tag: string,
) {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const lat = new Latency();
  const inflight = new Set<Promise<void>>();
  eld.enable();
  const t0 = performance.now();
  const n = Math.round(perSec * seconds);
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / perSec;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = process.hrtime.bigint();
    const p = rest
      .createOrder(orderOf(tickers, i, tag))
      .then(() => lat.recordNs(process.hrtime.bigint() - s))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  eld.disable();
  return {
    rate: n / ((performance.now() - t0) / 1000),
    eldP99: eld.percentile(99) / 1e6,
    eldMax: eld.max / 1e6,
    eldCount: eld.count,
    p99: lat.ms(99),
  };
}

/** Busy-waits `us` microseconds: the rest of a requote's turn, which the loop runs after the signs are asked for. */
function spin(us: number): void {
  const until = process.hrtime.bigint() + BigInt(us * 1_000);
  while (process.hrtime.bigint() < until);
}

/**
 * A requote's signatures as the worker asks for them: three writes (a cancel, an amend, a batch
 * create) in one turn, then `restUs` of the loop's other work in the same turn. Time from the
 * first sign() to its signature back on the loop (the leading write's `sign` segment), per signer.
 */
async function requoteSigning(signer: Signer, n: number, restUs: number): Promise<Latency> {
  const lat = new Latency();
  for (let i = 0; i < n + 20; i++) {
    const t = process.hrtime.bigint();
    let first = 0n;
    const now = Date.now();
    const all = [
      signer.sign(now, 'DELETE', '/trade-api/v2/portfolio/events/orders/o-1', PRIORITY.cancel).then(() => {
        first = process.hrtime.bigint();
      }),
      signer.sign(now, 'POST', '/trade-api/v2/portfolio/events/orders/o-2/amend', PRIORITY.write),
      signer.sign(now, 'POST', '/trade-api/v2/portfolio/events/orders/batched', PRIORITY.create),
    ];
    spin(restUs);
    await Promise.all(all);
    if (i >= 20) lat.recordNs(first - t);
    // Paced like quote-changing frames (≈ 20/s would take too long; 100/s keeps the inline budget in play).
    await new Promise((r) => setTimeout(r, 10));
  }
  return lat;
}

export async function benchSigning(): Promise<Figure[]> {
  const keys = rsaKeyPair();
  const signer = createRsaSigner({ keyId: KEY_ID, privateKeyPem: keys.privateKey });
  const lat = new Latency();
  for (let i = 0; i < 1_500; i++) {
    const t = process.hrtime.bigint();
    await signer.sign(Date.now(), 'POST', '/trade-api/v2/portfolio/events/orders');
    if (i >= 100) lat.recordNs(process.hrtime.bigint() - t);
  }
  // The thread-pool signer: what the event loop pays per signature (the call, not the RSA work).
  const pool = threadPoolSigner(KEY_ID, keys.privateKey);
  const onLoop = new Latency();
  for (let i = 0; i < 500; i++) {
    const t = process.hrtime.bigint();
    const p = pool.sign(Date.now(), 'POST', '/trade-api/v2/portfolio/events/orders');
    onLoop.recordNs(process.hrtime.bigint() - t);
    await p;
  }
  // The leading write of a requote: unqueued pool (before issue #16's wire pass), the sign queue, the queue with inline.
  const tpool = createThreadPoolSigner({ keyId: KEY_ID, privateKeyPem: keys.privateKey });
  const REST_OF_TURN_US = 300;
  const firstPool = await requoteSigning(tpool, 200, REST_OF_TURN_US);
  const firstQueue = await requoteSigning(withSignQueue(tpool), 200, REST_OF_TURN_US);
  const firstInline = await requoteSigning(withSignQueue(tpool, { inline: signer }), 200, REST_OF_TURN_US);
  const tickers = games(50).flatMap((g) => g.markets);
  const budget = await withSim(50, async ({ restBaseUrl }, pem) => {
    const inProcess = new KalshiRestClient({
      baseUrl: restBaseUrl,
      transport: undiciTransport(restBaseUrl),
      signer: createRsaSigner({ keyId: KEY_ID, privateKeyPem: pem }),
      limiter: false,
    });
    const offLoop = new KalshiRestClient({
      baseUrl: restBaseUrl,
      transport: undiciTransport(restBaseUrl),
      signer: threadPoolSigner(KEY_ID, pem),
      limiter: false,
    });
    // As worker/main.ts signs trading writes: the thread pool behind the sign queue, inline first.
    const queued = new KalshiRestClient({
      baseUrl: restBaseUrl,
      transport: undiciTransport(restBaseUrl),
      signer: withSignQueue(createThreadPoolSigner({ keyId: KEY_ID, privateKeyPem: pem }), {
        inline: createRsaSigner({ keyId: KEY_ID, privateKeyPem: pem }),
      }),
      limiter: false,
    });
    try {
      await paced(inProcess, tickers, 50, 1, 'warm');
      const basic = await paced(inProcess, tickers, 10, 4, 'basic');
      const prime = await paced(inProcess, tickers, 400, 4, 'prime');
      const primePool = await paced(offLoop, tickers, 400, 4, 'pool');
      const primeQueued = await paced(queued, tickers, 400, 4, 'queued');
      return { basic, prime, primePool, primeQueued };
    } finally {
      await inProcess.close();
      await offLoop.close();
      await queued.close();
    }
  });
  const load = `load average ${loadavg()[0]!.toFixed(1)} on 2 cores`;
  return [
    figure(
      'rsa_pss_sign_p50',
      lat.ms(50),
      'ms',
      null,
      'lower',
      lat.count,
      `RSA-2048 PSS/SHA-256, in-process (shared/kalshi/signer.ts); ${load}`,
    ),
    figure('rsa_pss_sign_p99', lat.ms(99), 'ms', null, 'lower', lat.count),
    figure(
      'rsa_pss_sign_threadpool_loop_cost_p50',
      onLoop.us(50),
      'us',
      null,
      'lower',
      onLoop.count,
      'event-loop time per signature when crypto.sign runs on the libuv thread pool (callback form)',
      { name: 'in-process signature p50', value: lat.us(50), unit: 'us', samples: lat.count },
    ),
    figure(
      'event_loop_delay_p99_at_basic_write_budget',
      budget.basic.eldP99,
      'ms',
      null,
      'lower',
      budget.basic.eldCount,
      `${budget.basic.rate.toFixed(0)} signed creates/s (Basic: 100 tokens/s ÷ 10), in-process signer; max ${budget.basic.eldMax.toFixed(1)} ms`,
    ),
    figure(
      'event_loop_delay_p99_at_prime_write_budget',
      budget.prime.eldP99,
      'ms',
      null,
      'lower',
      budget.prime.eldCount,
      `${budget.prime.rate.toFixed(0)} signed creates/s (Prime: 4,000 tokens/s ÷ 10), in-process signer; max ${budget.prime.eldMax.toFixed(1)} ms, create p99 ${budget.prime.p99.toFixed(2)} ms`,
    ),
    figure(
      'event_loop_delay_p99_at_prime_write_budget_threadpool_signer',
      budget.primePool.eldP99,
      'ms',
      null,
      'lower',
      budget.primePool.eldCount,
      `same load, signatures on the libuv thread pool (bench-only signer); max ${budget.primePool.eldMax.toFixed(1)} ms, create p99 ${budget.primePool.p99.toFixed(2)} ms`,
      {
        name: 'in-process signer at the same budget',
        value: budget.prime.eldP99,
        unit: 'ms',
        samples: budget.prime.eldCount,
      },
    ),
    figure(
      'event_loop_delay_p99_at_prime_write_budget_sign_queue',
      budget.primeQueued.eldP99,
      'ms',
      null,
      'lower',
      budget.primeQueued.eldCount,
      `same load, the worker's trading signer (thread pool behind shared/kalshi/sign-queue.ts, first signature of a turn in process, ≤ 50/s); max ${budget.primeQueued.eldMax.toFixed(1)} ms, create p99 ${budget.primeQueued.p99.toFixed(2)} ms`,
      {
        name: 'thread-pool signer, unqueued, at the same budget',
        value: budget.primePool.eldP99,
        unit: 'ms',
        samples: budget.primePool.eldCount,
      },
    ),
    ...(
      [
        ['threadpool', firstPool, 'thread pool, unqueued (before the wire pass)'],
        ['sign_queue', firstQueue, 'thread pool behind the sign queue, one per core, cancels first'],
        [
          'sign_queue_inline',
          firstInline,
          "the sign queue with the first signature of a turn in process (the worker's default)",
        ],
      ] as const
    ).flatMap(([tag, l, what]) => [
      figure(
        `sign_first_of_requote_p50_${tag}`,
        l.us(50),
        'us',
        null,
        'lower',
        l.count,
        `cancel + amend + batch create asked for in one turn, then ${REST_OF_TURN_US} us of the loop's other work; first sign() → the cancel's signature back on the loop; ${what}; p99 ${l.us(99).toFixed(0)} us; ${load}`,
        { name: 'in-process signature p50', value: lat.us(50), unit: 'us', samples: lat.count },
      ),
    ]),
  ];
}

async function closedLoop(
  concurrency: number,
  total: number,
  call: (i: number) => Promise<unknown>,
): Promise<{ rps: number; lat: Latency }> {
  const lat = new Latency();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const s = process.hrtime.bigint();
        await call(i);
        lat.recordNs(process.hrtime.bigint() - s);
      }
    }),
  );
  return { rps: total / ((performance.now() - t0) / 1000), lat };
}

export async function benchRestVsSdk(): Promise<Figure[]> {
  const tickers = games(50).flatMap((g) => g.markets);
  const CONCURRENCY = 16;
  const N = 2_000;
  const r = await withSim(50, async ({ restBaseUrl }, pem) => {
    const ours = new KalshiRestClient({
      baseUrl: restBaseUrl,
      transport: undiciTransport(restBaseUrl),
      signer: createRsaSigner({ keyId: KEY_ID, privateKeyPem: pem }),
      limiter: false,
    });
    const sdk = new OrdersApi(
      new Configuration({ apiKey: KEY_ID, privateKeyPem: pem, basePath: restBaseUrl }),
    );
    const sdkCall = (i: number) => {
      const o = orderOf(tickers, i, 'sdk');
      return sdk.createOrderV2({
        ticker: o.ticker,
        side: BookSide.Bid,
        count: '1.00',
        price: (o.price / 1e6).toFixed(4),
        client_order_id: o.client_order_id,
        time_in_force: CreateOrderV2RequestTimeInForceEnum.GoodTillCanceled,
        self_trade_prevention_type: SelfTradePreventionType.Maker,
        post_only: true,
      });
    };
    try {
      await closedLoop(CONCURRENCY, 200, (i) => ours.createOrder(orderOf(tickers, i, 'warm-ours')));
      await closedLoop(CONCURRENCY, 200, (i) => sdkCall(i + 1_000_000));
      const a = await closedLoop(CONCURRENCY, N, (i) => ours.createOrder(orderOf(tickers, i, 'ours')));
      const b = await closedLoop(CONCURRENCY, N, sdkCall);
      return { a, b };
    } finally {
      await ours.close();
    }
  });
  const load = `load average ${loadavg()[0]!.toFixed(1)} on 2 cores`;
  const ratio = r.a.rps / r.b.rps;
  const p99Ratio = r.a.lat.ms(99) / r.b.lat.ms(99);
  const sdkRps = {
    name: 'official SDK (kalshi-typescript) req/s',
    value: r.b.rps,
    unit: 'req/s',
    samples: N,
  };
  const sdkLat = (p: number) => ({
    name: `official SDK p${p}`,
    value: r.b.lat.ms(p),
    unit: 'ms',
    samples: r.b.lat.count,
  });
  return [
    figure(
      'rest_ours_rps',
      r.a.rps,
      'req/s',
      null,
      'higher',
      r.a.lat.count,
      `${N} signed creates, ${CONCURRENCY} concurrent, simulator in a child process; ${load}`,
      sdkRps,
    ),
    figure('rest_ours_p50', r.a.lat.ms(50), 'ms', null, 'lower', r.a.lat.count, undefined, sdkLat(50)),
    figure('rest_ours_p99', r.a.lat.ms(99), 'ms', null, 'lower', r.a.lat.count, undefined, sdkLat(99)),
    figure(
      'rest_sdk_rps',
      r.b.rps,
      'req/s',
      null,
      'higher',
      r.b.lat.count,
      'kalshi-typescript 3.30 OrdersApi.createOrderV2 (axios), same calls',
    ),
    figure('rest_sdk_p50', r.b.lat.ms(50), 'ms', null, 'lower', r.b.lat.count),
    figure('rest_sdk_p99', r.b.lat.ms(99), 'ms', null, 'lower', r.b.lat.count),
    figure('rest_throughput_ours_vs_sdk', ratio, 'x', 1.5, 'higher', Math.min(r.a.lat.count, r.b.lat.count)),
    figure('rest_p99_ours_vs_sdk', p99Ratio, 'ratio', 0.5, 'lower', Math.min(r.a.lat.count, r.b.lat.count)),
  ];
}
