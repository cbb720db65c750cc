/**
 * Fuzz: the production Kalshi REST client and Odds API client against a
 * loopback server answering every request with a random status and a hostile
 * body (mutated real responses, random JSON, truncated text). Each call
 * resolves with parsed data or rejects with the client's own typed error —
 * never a TypeError/crash, never a hang, and the error never carries the
 * private key or the Odds API key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KalshiApiError, KalshiNetworkError, KalshiResponseError } from '../../shared/kalshi/errors.ts';
import { KalshiRestClient } from '../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../shared/kalshi/signer.ts';
import type { RestTransport } from '../../shared/kalshi/transport.ts';
import { OddsApiClient, OddsApiError } from '../../shared/odds/client.ts';
import { undiciTransport } from '../../worker/kalshi/undici-transport.ts';
import { fixture, hostileText, type Json, recordCases } from './support.ts';

const KALSHI_SEEDS: Json[] = [
  'rest_batch_create_orders_v2_response.json',
  'rest_cancel_order_v2_response.json',
  'rest_create_order_v2_response.json',
  'rest_error_409_duplicate_client_order_id.json',
  'rest_error_429.json',
  'rest_get_balance.json',
  'rest_get_events_nba_with_milestones.json',
  'rest_get_exchange_status.json',
  'rest_get_fills.json',
  'rest_get_markets_nba_event.json',
  'rest_get_orderbook.json',
  'rest_get_orders_resting.json',
  'rest_get_positions.json',
  'rest_get_series_kxnbagame.json',
].map((f) => fixture('kalshi', f));
const ODDS_SEEDS: Json[] = [
  'basketball_nba_events.json',
  'basketball_nba_odds_h2h_american.json',
  'basketball_nba_odds_h2h_spreads_totals_decimal.json',
  'soccer_epl_odds_h2h_decimal.json',
  'sports.json',
  'error_401_invalid_key.json',
  'error_401_out_of_usage_credits.json',
  'error_422_invalid_market.json',
  'error_429_exceeded_freq_limit.json',
].map((f) => fixture('odds', f));

const ODDS_KEY = 'fuzzoddskey0123456789abcdef0123';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PEM_BODY = PEM.split('\n')[1]!; // a line of the key's base64 body

let next: { status: number; body: string; headers: Record<string, string> } = {
  status: 200,
  body: '{}',
  headers: {},
};
let server: Server;
let base = '';
let cases = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  recordCases('http-clients', cases);
});

const statusArb = fc.constantFrom(200, 200, 200, 201, 204, 400, 401, 404, 409, 422, 429, 500, 503);
const headerArb = fc.record(
  {
    'retry-after': fc.constantFrom('0', '1', '-5', 'soon', '99999999', ''),
    'x-requests-remaining': fc.constantFrom('100', '-1', 'abc', '1e9', ''),
    'x-requests-used': fc.constantFrom('0', '5', 'NaN', ''),
  },
  { requiredKeys: [] },
);

function leaksNothing(err: unknown): void {
  const text = `${String(err)} ${(err as Error)?.stack ?? ''} ${JSON.stringify(err) ?? ''}`;
  expect(text).not.toContain(PEM_BODY);
  expect(text).not.toContain(ODDS_KEY);
}

describe('Kalshi REST client against hostile responses (fuzz)', () => {
  it('every call resolves or rejects with a Kalshi error; nothing else escapes', async () => {
    // Both transports: built-in fetch (the kill-switch Lambda) and the worker's undici pool.
    const clientOf = (transport?: RestTransport) =>
      new KalshiRestClient({
        baseUrl: `${base}/trade-api/v2`,
        signer: createRsaSigner({ keyId: 'fuzz-key', privateKeyPem: PEM }),
        limiter: false,
        retry: { maxAttempts: 1 },
        timeouts: { requestMs: 2_000 },
        ...(transport ? { transport } : {}),
      });
    const clients = [clientOf(), clientOf(undiciTransport(`${base}/trade-api/v2`))];
    const calls: ((c: KalshiRestClient) => Promise<unknown>)[] = [
      (c) => c.getMarkets({ event_ticker: 'KXNBAGAME-26NOV14BOSMIL' }),
      (c) => c.getOrders({ status: 'resting' }),
      (c) => c.getPositions({}),
      (c) => c.getFills({}),
      (c) => c.getBalance(),
      (c) => c.getOrderbook('KXNBAGAME-26NOV14BOSMIL-BOS'),
      (c) => c.getEvents({}),
      (c) => c.getExchangeStatus(),
      (c) =>
        c.createOrder({
          ticker: 'KXNBAGAME-26NOV14BOSMIL-BOS',
          side: 'bid',
          count: 1000,
          price: 440_000,
          time_in_force: 'good_till_canceled',
          self_trade_prevention_type: 'taker_at_cross',
          post_only: true,
        } as unknown as Parameters<KalshiRestClient['createOrder']>[0]),
      (c) => c.cancelOrder('ord-1'),
    ];
    try {
      await fc.assert(
        fc.asyncProperty(
          statusArb,
          headerArb,
          hostileText(KALSHI_SEEDS),
          fc.nat(calls.length - 1),
          fc.nat(clients.length - 1),
          async (status, headers, body, which, via) => {
            cases++;
            next = { status, body: status === 204 ? '' : body, headers };
            try {
              await calls[which]!(clients[via]!);
            } catch (err) {
              leaksNothing(err);
              const typed =
                err instanceof KalshiApiError ||
                err instanceof KalshiNetworkError ||
                err instanceof KalshiResponseError ||
                // request-side validation of our own arguments (cannot happen with valid args, kept explicit)
                (err instanceof Error && err.name === 'ZodError');
              if (!typed) throw err;
            }
          },
        ),
        { numRuns: 1500 },
      );
    } finally {
      for (const c of clients) await c.close();
    }
  }, 120_000);
});

describe('Odds API client against hostile responses (fuzz)', () => {
  it('every call resolves or rejects with OddsApiError; the key never shows', async () => {
    const client = new OddsApiClient({
      apiKey: ODDS_KEY,
      baseUrl: base,
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    });
    const calls: ((c: OddsApiClient) => Promise<unknown>)[] = [
      (c) => c.sports(),
      (c) => c.events('basketball_nba'),
      (c) => c.odds('basketball_nba', { regions: ['us'], markets: ['h2h'] }),
    ];
    await fc.assert(
      fc.asyncProperty(
        statusArb,
        headerArb,
        hostileText(ODDS_SEEDS),
        fc.nat(calls.length - 1),
        async (status, headers, body, which) => {
          cases++;
          next = { status, body: status === 204 ? '' : body, headers };
          try {
            const r = await calls[which]!(client);
            leaksNothing(r);
          } catch (err) {
            leaksNothing(err);
            if (!(err instanceof OddsApiError)) throw err;
          }
        },
      ),
      { numRuns: 1500 },
    );
  }, 120_000);
});
