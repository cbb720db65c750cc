/**
 * The Odds API simulator over a real loopback socket: endpoints, parameters,
 * quota accounting, error bodies (all parsed with the production schemas in
 * shared/odds/schemas.ts) and bookmaker behaviour against the hidden truth.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ErrorBodySchema,
  EventOddsSchema,
  EventsResponseSchema,
  OddsResponseSchema,
  parseQuota,
  SportsResponseSchema,
} from '../../../shared/odds/schemas.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../../sim/odds/server.ts';
import { parseScenario, type ScenarioInput } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';
import { waitFor } from '../../support/wait-for.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const START = Date.parse('2026-01-20T23:00:00Z');
const MIN = 60_000;

const nba = JSON.parse(
  readFileSync(new URL('../../../sim/scenarios/nba-quiet-evening.json', import.meta.url), 'utf8'),
) as ScenarioInput;

function scenario(over: Partial<ScenarioInput> = {}) {
  return parseScenario({ ...nba, start: new Date(START).toISOString(), ...over });
}

const sims: OddsSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function start(
  over: Partial<ScenarioInput> = {},
  opts: { wallNow?: () => number; seed?: number } = {},
) {
  const clock = new SteppedClock(START);
  const sc = scenario(over);
  const world = buildWorld(sc, { seed: opts.seed ?? sc.seed, startMs: START });
  const sim = await startOddsSim({
    clock,
    world,
    apiKey: KEY,
    ...(opts.wallNow ? { wallNow: opts.wallNow } : {}),
  });
  sims.push(sim);
  return { sim, clock, world };
}

async function get(sim: OddsSim, path: string, key: string | null = KEY) {
  const url = new URL(path, sim.baseUrl);
  if (key !== null) url.searchParams.set('apiKey', key);
  const res = await fetch(url);
  return { status: res.status, quota: parseQuota(res.headers), body: (await res.json()) as unknown };
}

/** Multiplicative no-vig probability of the home team from one book's h2h outcomes. */
function noVigHome(outcomes: { name: string; price: number }[], home: string): number {
  const inv = outcomes.map((o) => ({ name: o.name, q: 1 / o.price }));
  const total = inv.reduce((s, o) => s + o.q, 0);
  return inv.find((o) => o.name === home)!.q / total;
}

describe('odds simulator: endpoints', () => {
  it('serves the sports list for free; all=true adds inactive sports', async () => {
    const { sim } = await start();
    const active = await get(sim, '/v4/sports');
    expect(active.status).toBe(200);
    const sports = SportsResponseSchema.parse(active.body);
    expect(sports.find((s) => s.key === 'basketball_nba')?.active).toBe(true);
    expect(sports.every((s) => s.active)).toBe(true);
    expect(active.quota).toEqual({ remaining: 20000 - 588, used: 588, last: 0 });
    const all = SportsResponseSchema.parse((await get(sim, '/v4/sports?all=true')).body);
    expect(all.some((s) => !s.active)).toBe(true);
    expect(all.length).toBeGreaterThan(sports.length);
  });

  it('lists events without odds for free, with dateFormat, eventIds and commence-time filters', async () => {
    const { sim, world } = await start();
    const r = await get(sim, '/v4/sports/basketball_nba/events');
    const events = EventsResponseSchema.parse(r.body);
    expect(events).toHaveLength(4);
    expect(r.quota.last).toBe(0);
    expect(events.map((e) => e.home_team)).toEqual([
      'Boston Celtics',
      'New York Knicks',
      'Denver Nuggets',
      'Golden State Warriors',
    ]);
    expect(events[0]!.commence_time).toBe('2026-01-20T23:12:00Z');
    for (const e of events) expect(e.id).toMatch(/^[0-9a-f]{32}$/);
    const unix = EventsResponseSchema.parse(
      (await get(sim, '/v4/sports/basketball_nba/events?dateFormat=unix')).body,
    );
    expect(unix[0]!.commence_time).toBe((START + 12 * MIN) / 1000);
    const one = world.games[2]!.oddsEventId;
    const filtered = EventsResponseSchema.parse(
      (await get(sim, `/v4/sports/basketball_nba/events?eventIds=${one}`)).body,
    );
    expect(filtered.map((e) => e.id)).toEqual([one]);
    const window = EventsResponseSchema.parse(
      (
        await get(
          sim,
          '/v4/sports/basketball_nba/events?commenceTimeFrom=2026-01-20T23:14:00Z&commenceTimeTo=2026-01-20T23:18:00Z',
        )
      ).body,
    );
    expect(window.map((e) => e.home_team)).toEqual(['New York Knicks', 'Denver Nuggets']);
  });

  it('prices h2h per region and bills markets × regions', async () => {
    const { sim } = await start();
    const us = await get(sim, '/v4/sports/basketball_nba/odds?regions=us&markets=h2h');
    expect(us.status).toBe(200);
    const events = OddsResponseSchema.parse(us.body);
    expect(events).toHaveLength(4);
    expect(us.quota).toEqual({ remaining: 20000 - 589, used: 589, last: 1 });
    for (const e of events) {
      const keys = e.bookmakers.map((b) => b.key);
      expect(keys).not.toContain('pinnacle'); // Pinnacle is in region eu
      expect(keys).toContain('draftkings');
      for (const b of e.bookmakers) {
        const h2h = b.markets.find((m) => m.key === 'h2h')!;
        expect(h2h.outcomes.map((o) => o.name).sort()).toEqual([e.home_team, e.away_team].sort());
        for (const o of h2h.outcomes) expect(o.price).toBeGreaterThan(1.01);
        // The book's margin: implied probabilities sum above 1.
        expect(h2h.outcomes.reduce((s, o) => s + 1 / o.price, 0)).toBeGreaterThan(1);
      }
    }
    const three = await get(sim, '/v4/sports/basketball_nba/odds?regions=us,eu&markets=h2h,spreads,totals');
    expect(three.quota.last).toBe(6);
    const books = await get(
      sim,
      '/v4/sports/basketball_nba/odds?bookmakers=pinnacle,draftkings,fanduel&markets=h2h',
    );
    expect(books.quota.last).toBe(1);
    expect(
      OddsResponseSchema.parse(books.body)[0]!
        .bookmakers.map((b) => b.key)
        .sort(),
    ).toEqual(['draftkings', 'fanduel', 'pinnacle']);
    const eleven =
      'pinnacle,draftkings,fanduel,betmgm,bovada,lowvig,williamhill_us,betrivers,betus,mybookieag,espnbet';
    expect((await get(sim, `/v4/sports/basketball_nba/odds?bookmakers=${eleven}`)).quota.last).toBe(2);
    expect((await get(sim, '/v4/sports/icehockey_nhl/odds?regions=us')).quota.last).toBe(0); // no events, no charge
  });

  it('answers American odds as integers and unix dates as epoch seconds', async () => {
    const { sim } = await start();
    const events = OddsResponseSchema.parse(
      (await get(sim, '/v4/sports/basketball_nba/odds?regions=eu&oddsFormat=american&dateFormat=unix')).body,
    );
    const pin = events[0]!.bookmakers.find((b) => b.key === 'pinnacle')!;
    for (const o of pin.markets[0]!.outcomes) {
      expect(Number.isInteger(o.price)).toBe(true);
      expect(Math.abs(o.price)).toBeGreaterThanOrEqual(100);
    }
    expect(typeof pin.last_update).toBe('number');
    expect(typeof events[0]!.commence_time).toBe('number');
  });

  it('serves one event with any market key, billed on markets returned', async () => {
    const { sim, world } = await start();
    const id = world.games[0]!.oddsEventId;
    const r = await get(
      sim,
      `/v4/sports/basketball_nba/events/${id}/odds?regions=us,eu&markets=h2h,player_points`,
    );
    expect(r.status).toBe(200);
    const ev = EventOddsSchema.parse(r.body);
    expect(ev.id).toBe(id);
    expect(r.quota.last).toBe(2); // only h2h comes back, × 2 regions
    const missing = await get(sim, `/v4/sports/basketball_nba/events/${'f'.repeat(32)}/odds?regions=us`);
    expect(missing.status).toBe(404);
    expect(ErrorBodySchema.parse(missing.body).error_code).toBe('EVENT_NOT_FOUND');
  });

  it('drops completed games and keeps live ones (in-play prices)', async () => {
    const { sim, clock } = await start();
    clock.set(START + 13 * MIN); // Boston game live
    const live = OddsResponseSchema.parse((await get(sim, '/v4/sports/basketball_nba/odds?regions=eu')).body);
    expect(live.map((e) => e.home_team)).toContain('Boston Celtics');
    clock.set(START + (12 + 150) * MIN + 1);
    const after = EventsResponseSchema.parse((await get(sim, '/v4/sports/basketball_nba/events')).body);
    expect(after.map((e) => e.home_team)).not.toContain('Boston Celtics');
    expect(after).toHaveLength(3);
  });
});

describe('odds simulator: errors carry the real codes and bodies', () => {
  const cases: [string, string | null, number, string][] = [
    ['/v4/sports', null, 401, 'MISSING_KEY'],
    ['/v4/sports', 'deadbeefdeadbeefdeadbeefdeadbeef', 401, 'INVALID_KEY'],
    ['/v4/sports/tennis_atp/odds?regions=us', KEY, 404, 'UNKNOWN_SPORT'],
    ['/v4/sports/basketball_nba/odds?regions=us&markets=player_points', KEY, 422, 'INVALID_MARKET'],
    ['/v4/sports/basketball_nba/odds?markets=h2h', KEY, 422, 'MISSING_REGION'],
    ['/v4/sports/basketball_nba/odds?regions=mars', KEY, 422, 'INVALID_REGION'],
    [
      '/v4/sports/basketball_nba_championship_winner/odds?regions=us&markets=h2h',
      KEY,
      422,
      'INVALID_MARKET_COMBO',
    ],
    ['/v4/sports/basketball_nba/odds?regions=us&oddsFormat=fractional', KEY, 422, 'INVALID_ODDS_FORMAT'],
    ['/v4/sports/basketball_nba/odds?regions=us&dateFormat=rfc', KEY, 422, 'INVALID_DATE_FORMAT'],
    ['/v4/sports/basketball_nba/odds?regions=us&eventIds=nothex', KEY, 422, 'INVALID_EVENT_IDS'],
    [
      '/v4/sports/basketball_nba/odds?regions=us&commenceTimeFrom=2026-01-21T00:00:00Z&commenceTimeTo=2026-01-20T00:00:00Z',
      KEY,
      422,
      'INVALID_COMMENCE_TIME_RANGE',
    ],
  ];
  it.each(cases)('%s (key %s) → %i %s', async (path, key, status, code) => {
    const { sim } = await start();
    const r = await get(sim, path, key);
    expect(r.status).toBe(status);
    const body = ErrorBodySchema.parse(r.body);
    expect(body.error_code).toBe(code);
    expect(body.details_url).toMatch(/^https:\/\/the-odds-api\.com\//);
    if (status === 401) expect(r.quota).toEqual({ remaining: null, used: null, last: null });
    else expect(r.quota.last).toBe(0);
    expect(sim.usage().used).toBe(588); // errors are free
  });

  it('answers hostile paths and methods without falling over', async () => {
    const { sim } = await start();
    expect((await get(sim, '/v4/sports/%E0%A4%A/odds?regions=us')).status).toBe(404);
    expect((await get(sim, '/v4/sports/basketball_nba/events/%ZZ/odds?regions=us')).status).toBe(404);
    expect((await get(sim, '/v5/whatever')).status).toBe(404);
    expect(
      (await fetch(new URL(`/v4/sports?apiKey=${KEY}`, sim.baseUrl), { method: 'POST', body: '{}' })).status,
    ).toBe(405);
    expect((await get(sim, '/v4/sports')).status).toBe(200);
  });

  it('accepts the api_key spelling of the official Python sample', async () => {
    const { sim } = await start();
    const r = await fetch(new URL(`/v4/sports?api_key=${KEY}`, sim.baseUrl));
    expect(r.status).toBe(200);
  });

  it('never echoes the key in an error body', async () => {
    const { sim } = await start();
    const wrong = 'secret-key-that-must-not-leak-000';
    const r = await get(sim, '/v4/sports', wrong);
    expect(JSON.stringify(r.body)).not.toContain(wrong);
  });

  it('answers 429 EXCEEDED_FREQ_LIMIT past 30 requests in one second, then recovers', async () => {
    let wall = 1_000_000;
    const { sim } = await start({}, { wallNow: () => wall });
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await get(sim, '/v4/sports')).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const limited = await get(sim, '/v4/sports');
    expect(ErrorBodySchema.parse(limited.body).error_code).toBe('EXCEEDED_FREQ_LIMIT');
    wall += 1001;
    expect((await get(sim, '/v4/sports')).status).toBe(200);
  });

  it('under a stepped clock counts the frequency limit in scenario seconds (headless runs are not throttled by wall time)', async () => {
    const { sim, clock } = await start();
    for (let i = 0; i < 30; i++) expect((await get(sim, '/v4/sports')).status).toBe(200);
    expect((await get(sim, '/v4/sports')).status).toBe(429);
    clock.advance(1000);
    for (let i = 0; i < 30; i++) expect((await get(sim, '/v4/sports')).status).toBe(200);
  });

  it('refuses a call the quota cannot pay with 401 OUT_OF_USAGE_CREDITS, and free calls still work', async () => {
    const { sim } = await start({ odds: { quota: { limit: 3, used: 0 } } });
    expect((await get(sim, '/v4/sports/basketball_nba/odds?regions=us,eu')).quota).toEqual({
      remaining: 1,
      used: 2,
      last: 2,
    });
    const r = await get(sim, '/v4/sports/basketball_nba/odds?regions=us,eu');
    expect(r.status).toBe(401);
    expect(ErrorBodySchema.parse(r.body).error_code).toBe('OUT_OF_USAGE_CREDITS');
    expect((await get(sim, '/v4/sports')).status).toBe(200);
    expect((await get(sim, '/v4/sports/basketball_nba/odds?regions=us')).quota).toEqual({
      remaining: 0,
      used: 3,
      last: 1,
    });
  });
});

describe('odds simulator: faults', () => {
  it('outage answers 503 until switched off', async () => {
    const { sim } = await start();
    sim.faults.set('outage', true);
    expect((await get(sim, '/v4/sports')).status).toBe(503);
    sim.faults.set('outage', false);
    expect((await get(sim, '/v4/sports')).status).toBe(200);
  });

  it('quotaExhausted reports 0 remaining and refuses paid calls', async () => {
    const { sim } = await start();
    sim.faults.set('quotaExhausted', true);
    const r = await get(sim, '/v4/sports/basketball_nba/odds?regions=us');
    expect(r.status).toBe(401);
    expect(ErrorBodySchema.parse(r.body).error_code).toBe('OUT_OF_USAGE_CREDITS');
    expect((await get(sim, '/v4/sports')).quota.remaining).toBe(0);
  });

  it('slow still answers correctly, and rateLimit forces 429', async () => {
    const { sim, clock } = await start();
    sim.faults.set('slow', true, { delayMs: 20 });
    // A slow answer is slow in scenario time: it comes when the scenario clock gets there.
    const before = sim.usage().requests;
    const slow = get(sim, '/v4/sports');
    // Its answer is scheduled 20 ms of scenario time after the request arrives: wait for the arrival.
    await waitFor(() => sim.usage().requests > before, { what: 'the slow request at the simulator' });
    clock.advance(20);
    expect((await slow).status).toBe(200);
    sim.faults.set('slow', false);
    sim.faults.set('rateLimit', true);
    expect((await get(sim, '/v4/sports')).status).toBe(429);
    expect(sim.faults.active()).toEqual(['rateLimit']);
  });
});

describe('odds simulator: bookmakers follow the hidden truth', () => {
  it('Pinnacle is sharpest; noisy lagging books miss by more', async () => {
    const { sim, clock, world } = await start();
    let pinErr = 0;
    let betmgmErr = 0;
    let n = 0;
    for (let m = 1; m <= 10; m++) {
      clock.set(START + m * MIN);
      const events = OddsResponseSchema.parse(
        (await get(sim, '/v4/sports/basketball_nba/odds?bookmakers=pinnacle,betmgm')).body,
      );
      for (const e of events) {
        const truth = world.games.find((g) => g.oddsEventId === e.id)!.path.at(clock.now()).home;
        const p = (key: string) =>
          noVigHome(e.bookmakers.find((b) => b.key === key)!.markets[0]!.outcomes, e.home_team);
        pinErr += Math.abs(p('pinnacle') - truth);
        betmgmErr += Math.abs(p('betmgm') - truth);
        n++;
      }
    }
    expect(pinErr / n).toBeLessThan(0.01);
    expect(pinErr).toBeLessThan(betmgmErr);
  });

  it('a stale book stops moving: its last_update stays at its stale time', async () => {
    const { sim, clock } = await start();
    clock.set(START + 11 * MIN);
    const events = OddsResponseSchema.parse(
      (await get(sim, '/v4/sports/basketball_nba/odds?bookmakers=bovada,pinnacle')).body,
    );
    for (const e of events) {
      const stamp = (key: string) => Date.parse(String(e.bookmakers.find((b) => b.key === key)!.last_update));
      expect(stamp('bovada')).toBeLessThanOrEqual(START + 3 * MIN);
      expect(stamp('pinnacle')).toBeGreaterThan(START + 10 * MIN);
    }
  });

  it('after an injury jump Pinnacle moves first and lagging books follow', async () => {
    const jump = parseScenario({
      ...nba,
      start: new Date(START).toISOString(),
      games: [
        {
          ...nba.games[0]!,
          truth: { home: 0.6, volatility: 0, jumps: [{ atMinute: 5, deltaLogit: -1.5, label: 'star out' }] },
        },
      ],
    });
    const clock = new SteppedClock(START + 4 * MIN);
    const sim = await startOddsSim({ clock, world: buildWorld(jump, { startMs: START }), apiKey: KEY });
    sims.push(sim);
    const home = async (key: string) => {
      const [e] = OddsResponseSchema.parse(
        (await get(sim, `/v4/sports/basketball_nba/odds?bookmakers=${key}`)).body,
      );
      return noVigHome(e!.bookmakers[0]!.markets[0]!.outcomes, e!.home_team);
    };
    expect(await home('pinnacle')).toBeGreaterThan(0.55);
    clock.set(START + 5 * MIN + 21_000); // one Pinnacle update period after the news
    expect(await home('pinnacle')).toBeLessThan(0.3);
    expect(await home('betmgm')).toBeGreaterThan(0.55); // 90 s lag: still the old line
    clock.set(START + 8 * MIN);
    expect(await home('betmgm')).toBeLessThan(0.35);
  });

  it('is deterministic per seed', async () => {
    const a = await start();
    const b = await start();
    const c = await start({}, { seed: 7 });
    for (const s of [a, b, c]) s.clock.set(START + 6 * MIN);
    const path = '/v4/sports/basketball_nba/odds?regions=us,eu';
    const [ra, rb, rc] = await Promise.all([get(a.sim, path), get(b.sim, path), get(c.sim, path)]);
    expect(ra.body).toEqual(rb.body);
    expect(rc.body).not.toEqual(ra.body);
  });
});
