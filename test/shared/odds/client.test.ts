/**
 * The Odds API client over real loopback sockets: a scripted node http server
 * in the test, then the Odds API simulator from sim/odds.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyOddsApiError, OddsApiClient, OddsApiError } from '../../../shared/odds/client.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../../sim/odds/server.ts';
import { parseScenario, type ScenarioInput } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const fixtureText = (name: string) =>
  readFileSync(new URL(`../../fixtures/odds/${name}`, import.meta.url), 'utf8');

interface Seen {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
const sims: OddsSim[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

/** A loopback server answering each request with the next scripted reply (the last one repeats). */
async function scripted(...replies: Reply[]): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    const reply = replies[Math.min(seen.length - 1, replies.length - 1)]!;
    req.resume();
    reply(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json =
  (status: number, body: string, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

const quotaHeaders = { 'x-requests-remaining': '19409', 'x-requests-used': '591', 'x-requests-last': '1' };

function client(baseUrl: string, extra: Partial<ConstructorParameters<typeof OddsApiClient>[0]> = {}) {
  const sleeps: number[] = [];
  const c = new OddsApiClient({
    apiKey: KEY,
    baseUrl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { c, sleeps };
}

async function rejection(p: Promise<unknown>): Promise<OddsApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OddsApiError);
    const err = e as OddsApiError;
    // The key never leaks, in any form.
    expect(err.message).not.toContain(KEY);
    expect(JSON.stringify(err.details)).not.toContain(KEY);
    expect(String(err.stack)).not.toContain(KEY);
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('Odds API client against a scripted loopback server', () => {
  it('GET /v4/sports: parsed body, quota headers, key only as the apiKey query parameter', async () => {
    const { baseUrl, seen } = await scripted(json(200, fixtureText('sports.json'), quotaHeaders));
    const { c } = client(`${baseUrl}/`);
    const r = await c.sports({ all: true });
    expect(r.data.some((s) => s.key === 'basketball_nba')).toBe(true);
    expect(r.quota).toEqual({ remaining: 19409, used: 591, last: 1 });
    expect(r.attempts).toBe(1);
    expect(seen[0]!.path).toBe('/v4/sports');
    expect(seen[0]!.query.get('apiKey')).toBe(KEY);
    expect(seen[0]!.query.get('all')).toBe('true');
    expect(JSON.stringify(seen[0]!.headers)).not.toContain(KEY);
  });

  it('GET /odds sends every parameter in the documented form', async () => {
    const { baseUrl, seen } = await scripted(
      json(200, fixtureText('basketball_nba_odds_h2h_american.json'), quotaHeaders),
    );
    const { c } = client(baseUrl);
    const r = await c.odds('basketball_nba', {
      bookmakers: ['pinnacle', 'draftkings', 'fanduel'],
      regions: ['us', 'eu'],
      markets: ['h2h'],
      oddsFormat: 'american',
      eventIds: ['9e13e38df9a592775f5a116caf61f99b'],
      commenceTimeFrom: Date.parse('2026-01-20T18:00:00.123Z'),
      commenceTimeTo: '2026-01-21T18:00:00Z',
    });
    expect(r.data.events).toHaveLength(2);
    expect(r.data.rejected).toEqual([]);
    const q = seen[0]!.query;
    expect(seen[0]!.path).toBe('/v4/sports/basketball_nba/odds');
    expect(Object.fromEntries(q)).toEqual({
      apiKey: KEY,
      bookmakers: 'pinnacle,draftkings,fanduel',
      regions: 'us,eu',
      markets: 'h2h',
      oddsFormat: 'american',
      eventIds: '9e13e38df9a592775f5a116caf61f99b',
      commenceTimeFrom: '2026-01-20T18:00:00Z',
      commenceTimeTo: '2026-01-21T18:00:00Z',
    });
  });

  it('GET /odds keeps the good events when one is malformed', async () => {
    const body = JSON.parse(fixtureText('basketball_nba_odds_h2h_american.json')) as Record<
      string,
      unknown
    >[];
    delete body[1]!.home_team;
    const { baseUrl } = await scripted(json(200, JSON.stringify(body)));
    const { c } = client(baseUrl);
    const r = await c.odds('basketball_nba', { regions: ['us'] });
    expect(r.data.events).toHaveLength(1);
    expect(r.data.rejected[0]!.error).toMatch(/home_team: required field missing/);
    expect(r.quota).toEqual({ remaining: null, used: null, last: null });
  });

  it('GET /events and /events/{id}/odds', async () => {
    const { baseUrl, seen } = await scripted(
      json(200, fixtureText('basketball_nba_events.json')),
      json(200, fixtureText('basketball_nba_event_odds.json')),
    );
    const { c } = client(baseUrl);
    const ev = await c.events('basketball_nba', { dateFormat: 'iso' });
    expect(ev.data[0]!.home_team).toBe('Boston Celtics');
    const one = await c.eventOdds('basketball_nba', '0449603b44c0311d972a00b9ca401dab', {
      regions: ['us'],
      markets: ['h2h', 'player_points'],
    });
    expect(one.data.id).toBe('0449603b44c0311d972a00b9ca401dab');
    expect(seen[1]!.path).toBe('/v4/sports/basketball_nba/events/0449603b44c0311d972a00b9ca401dab/odds');
    expect(seen[1]!.query.get('markets')).toBe('h2h,player_points');
  });

  it.each([
    ['error_401_invalid_key.json', 401, 'unauthorized', 'INVALID_KEY'],
    ['error_401_missing_key.json', 401, 'unauthorized', 'MISSING_KEY'],
    ['error_401_out_of_usage_credits.json', 401, 'quota-exhausted', 'OUT_OF_USAGE_CREDITS'],
    ['error_422_invalid_market.json', 422, 'invalid-request', 'INVALID_MARKET'],
    ['error_404_unknown_sport.json', 404, 'not-found', 'UNKNOWN_SPORT'],
  ] as const)('%s → %s, not retried, key redacted', async (file, status, kind, code) => {
    // A hostile server echoing the key back must not make it leak either.
    const echo: Reply = (req, res) => {
      const body = JSON.parse(fixtureText(file)) as { message: string };
      body.message += ` (you sent ${new URL(req.url ?? '/', 'http://x').searchParams.get('apiKey')})`;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const { baseUrl, seen } = await scripted(echo);
    const { c, sleeps } = client(baseUrl);
    const err = await rejection(c.odds('basketball_nba', { regions: ['us'] }));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.errorCode).toBe(code);
    expect(err.retryable).toBe(false);
    expect(err.details.attempts).toBe(1);
    expect(err.details.url).toContain('/v4/sports/basketball_nba/odds?regions=us');
    expect(err.details.url).not.toContain('apiKey');
    expect(err.message).toContain('[redacted]');
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('429 is retried with jittered exponential backoff, Retry-After as a floor', async () => {
    const { baseUrl, seen } = await scripted(
      json(429, fixtureText('error_429_exceeded_freq_limit.json')),
      json(429, fixtureText('error_429_exceeded_freq_limit.json'), { 'retry-after': '3' }),
      json(200, fixtureText('sports.json'), quotaHeaders),
    );
    const retries: string[] = [];
    const { c, sleeps } = client(baseUrl, {
      retry: { baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 4 },
      onRetry: ({ error }) => retries.push(`${error.kind}:${error.errorCode}`),
    });
    const r = await c.sports();
    expect(r.attempts).toBe(3);
    expect(seen).toHaveLength(3);
    // random() = 0.5: attempt 1 → 0.5·1000; attempt 2 → max(3000 Retry-After, 0.5·2000)
    expect(sleeps).toEqual([500, 3000]);
    expect(retries).toEqual(['rate-limited:EXCEEDED_FREQ_LIMIT', 'rate-limited:EXCEEDED_FREQ_LIMIT']);
  });

  it('5xx is retried up to maxAttempts, then surfaced as a server error', async () => {
    const { baseUrl, seen } = await scripted(json(503, '<html>upstream down</html>'));
    const { c, sleeps } = client(baseUrl, { retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 } });
    const err = await rejection(c.sports());
    expect(err.kind).toBe('server');
    expect(err.status).toBe(503);
    expect(err.details.attempts).toBe(4);
    expect(err.message).toMatch(/HTTP 503 non-standard error body: <html>/);
    expect(seen).toHaveLength(4);
    expect(sleeps).toEqual([50, 100, 125]); // 0.5 × min(250, 100·2^n)
  });

  it('a dropped connection is a retryable network error; then success', async () => {
    const { baseUrl } = await scripted(
      (req) => req.socket.destroy(),
      json(200, fixtureText('sports.json'), quotaHeaders),
    );
    const errors: OddsApiError[] = [];
    const { c } = client(baseUrl, { onRetry: ({ error }) => errors.push(error) });
    const r = await c.sports();
    expect(r.attempts).toBe(2);
    expect(errors[0]!.kind).toBe('network');
    expect(errors[0]!.message).not.toContain(KEY);
  });

  it('a server that never answers times out as a network error', async () => {
    const { baseUrl } = await scripted(() => {});
    const { c } = client(baseUrl, { timeoutMs: 150, retry: { maxAttempts: 2 } });
    const err = await rejection(c.sports());
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/timed out after 150 ms/);
    expect(err.details.attempts).toBe(2);
  });

  it('a 200 with the wrong shape or not JSON is a bad-response naming the field, not retried', async () => {
    const { baseUrl, seen } = await scripted(
      json(
        200,
        JSON.stringify([{ key: 'basketball_nba', group: 'Basketball', title: 'NBA', active: 'yes' }]),
      ),
      json(200, '{"truncated'),
    );
    const { c } = client(baseUrl);
    const a = await rejection(c.sports());
    expect(a.kind).toBe('bad-response');
    expect(a.message).toMatch(/\[0\]\.description: required field missing/);
    expect(a.message).toMatch(/\[0\]\.active: /);
    const b = await rejection(c.sports());
    expect(b.kind).toBe('bad-response');
    expect(b.message).toMatch(/body is not JSON/);
    expect(seen).toHaveLength(2);
  });

  it('an oversized body is refused', async () => {
    const { baseUrl } = await scripted(json(200, `[${'1,'.repeat(5000)}1]`));
    const { c } = client(baseUrl, { maxBodyBytes: 1000 });
    const err = await rejection(c.sports());
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(/over 1000 bytes/);
  });

  it('refuses to send requests the API would reject, without a network call', async () => {
    const { baseUrl, seen } = await scripted(json(200, '[]'));
    const { c } = client(baseUrl);
    const bad = [
      () => c.odds('basketball_nba', {}),
      () => c.odds('basketball nba/../x', { regions: ['us'] }),
      () => c.odds('basketball_nba', { regions: ['us&apiKey=x'] }),
      () => c.odds('basketball_nba', { regions: ['us'], commenceTimeFrom: 'soon' }),
      () => c.odds('basketball_nba', { regions: ['us'], commenceTimeFrom: 2000, commenceTimeTo: 1000 }),
      () => c.eventOdds('basketball_nba', '../../sports', { regions: ['us'] }),
      () => c.events('basketball_nba', { eventIds: [] }),
    ];
    for (const call of bad) {
      const err = await rejection(call());
      expect(err.kind).toBe('invalid-request');
      expect(err.message).toMatch(/^Odds API request not sent: /);
    }
    expect(seen).toHaveLength(0);
  });

  it('an empty regions list beside bookmakers is left out', async () => {
    const { baseUrl, seen } = await scripted(json(200, '[]'));
    const { c } = client(baseUrl);
    await c.odds('basketball_nba', { regions: [], bookmakers: ['pinnacle'] });
    expect(seen[0]!.query.has('regions')).toBe(false);
    expect(seen[0]!.query.get('bookmakers')).toBe('pinnacle');
    expect(seen[0]!.query.get('markets')).toBe('h2h');
  });

  it('redacts a key with URL-special characters in its encoded form too', async () => {
    const odd = 'k3y/with+special=chars&more';
    const { baseUrl, seen } = await scripted((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `bad key ${req.url}`, error_code: 'INVALID_KEY' }));
    });
    const c = new OddsApiClient({ apiKey: odd, baseUrl });
    try {
      await c.sports();
      throw new Error('expected failure');
    } catch (e) {
      const err = e as OddsApiError;
      expect(err.kind).toBe('unauthorized');
      expect(err.message).not.toContain(odd);
      expect(err.message).not.toContain(encodeURIComponent(odd));
    }
    expect(seen[0]!.query.get('apiKey')).toBe(odd);
  });

  it('classifies status and error_code', () => {
    expect(classifyOddsApiError(401, 'INVALID_KEY')).toBe('unauthorized');
    expect(classifyOddsApiError(401, 'OUT_OF_USAGE_CREDITS')).toBe('quota-exhausted');
    expect(classifyOddsApiError(429, 'OUT_OF_USAGE_CREDITS')).toBe('quota-exhausted');
    expect(classifyOddsApiError(429, null)).toBe('rate-limited');
    expect(classifyOddsApiError(422, 'INVALID_MARKET')).toBe('invalid-request');
    expect(classifyOddsApiError(404, 'EVENT_NOT_FOUND')).toBe('not-found');
    expect(classifyOddsApiError(502, null)).toBe('server');
    expect(classifyOddsApiError(418, null)).toBe('http');
  });
});

describe('Odds API client against the Odds API simulator (sim/odds)', () => {
  const START = Date.parse('2026-01-20T23:00:00Z');
  const SIM_KEY = '0123456789abcdef0123456789abcdef';

  async function sim() {
    const scenarioInput = JSON.parse(
      readFileSync(new URL('../../../sim/scenarios/nba-quiet-evening.json', import.meta.url), 'utf8'),
    ) as ScenarioInput;
    const sc = parseScenario({ ...scenarioInput, start: new Date(START).toISOString() });
    const s = await startOddsSim({
      clock: new SteppedClock(START),
      world: buildWorld(sc, { seed: sc.seed, startMs: START }),
      apiKey: SIM_KEY,
    });
    sims.push(s);
    return s;
  }

  it('sports, events, odds and event odds parse, with quota', async () => {
    const s = await sim();
    const c = new OddsApiClient({ apiKey: SIM_KEY, baseUrl: s.baseUrl });
    const sports = await c.sports();
    expect(sports.data.some((x) => x.key === 'basketball_nba')).toBe(true);
    expect(sports.quota.last).toBe(0);
    const events = await c.events('basketball_nba');
    expect(events.data.length).toBeGreaterThan(0);
    const odds = await c.odds('basketball_nba', {
      bookmakers: ['pinnacle', 'draftkings', 'fanduel'],
      markets: ['h2h'],
      oddsFormat: 'decimal',
    });
    expect(odds.data.rejected).toEqual([]);
    expect(odds.data.events.length).toBe(events.data.length);
    expect(odds.quota.last).toBe(1);
    const one = await c.eventOdds('basketball_nba', events.data[0]!.id, {
      regions: ['us'],
      oddsFormat: 'american',
    });
    expect(one.data.id).toBe(events.data[0]!.id);
  });

  it('a wrong key is unauthorized, a bad market 422, an outage retried then surfaced', async () => {
    const s = await sim();
    const wrong = new OddsApiClient({ apiKey: 'ffffffffffffffffffffffffffffffff', baseUrl: s.baseUrl });
    expect((await rejection(wrong.sports())).kind).toBe('unauthorized');
    const c = new OddsApiClient({ apiKey: SIM_KEY, baseUrl: s.baseUrl, sleep: async () => {} });
    const bad = await rejection(c.odds('basketball_nba', { regions: ['us'], markets: ['player_points'] }));
    expect(bad).toMatchObject({ kind: 'invalid-request', errorCode: 'INVALID_MARKET' });
    expect((await rejection(c.odds('tennis_atp', { regions: ['us'] }))).kind).toBe('not-found');
    s.faults.set('outage', true);
    const down = await rejection(c.sports());
    expect(down.kind).toBe('server');
    expect(down.details.attempts).toBe(4);
    s.faults.set('outage', false);
    s.faults.set('quotaExhausted', true);
    const broke = await rejection(c.odds('basketball_nba', { regions: ['us'] }));
    expect(broke.kind).toBe('quota-exhausted');
  });
});
