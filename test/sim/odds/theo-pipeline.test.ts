/**
 * The production Odds API client and theo aggregation against the odds
 * simulator: what the worker will compute in paper mode. The theo must land
 * close to the simulator's hidden truth (Pinnacle sharp, other books noisy),
 * quota must be read from the headers, and errors must classify as the client
 * expects them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { computeTheos } from '../../../shared/odds/aggregate.ts';
import { OddsApiClient, OddsApiError } from '../../../shared/odds/client.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../../sim/odds/server.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const KEY = 'fedcba9876543210fedcba9876543210';
const START = Date.parse('2026-01-20T23:00:00Z');
const MIN = 60_000;
const scenarioPath = (name: string) =>
  new URL(`../../../sim/scenarios/${name}.json`, import.meta.url).pathname;

const sims: OddsSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(name: string) {
  const world = buildWorld(loadScenario(scenarioPath(name)), { startMs: START });
  const clock = new SteppedClock(START);
  const sim = await startOddsSim({ clock, world, apiKey: KEY });
  sims.push(sim);
  const client = new OddsApiClient({ apiKey: KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
  return { world, clock, sim, client };
}

describe('theo pipeline against the odds simulator', () => {
  it('recovers the hidden truth of every NBA game within 1.5¢ and reads the quota', async () => {
    const { world, clock, client } = await setup('nba-quiet-evening');
    clock.set(START + 8 * MIN);
    const r = await client.odds('basketball_nba', {
      bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm', 'williamhill_us', 'bovada'],
    });
    expect(r.quota).toMatchObject({ last: 1, used: 589 });
    expect(r.data.rejected).toEqual([]);
    const { results, summary } = computeTheos(r.data.events, { asOf: clock.now(), oddsFormat: 'decimal' });
    expect(summary.theos).toBe(4);
    for (const theo of results) {
      if (theo.kind !== 'theo') throw new Error(`no theo: ${theo.reason}`);
      const sim = world.games.find((g) => g.oddsEventId === theo.eventId)!;
      const truth = sim.path.at(clock.now()).home;
      const home = theo.outcomes.find((o) => o.name === theo.homeTeam)!.probability;
      expect(Math.abs(home - truth)).toBeLessThan(0.015);
    }
  });

  it('computes a 3-way theo with the draw for soccer', async () => {
    const { world, clock, client } = await setup('epl-draw');
    clock.set(START + 5 * MIN);
    const r = await client.odds('soccer_epl', { regions: ['uk', 'eu'] });
    expect(r.quota.last).toBe(2);
    const { results } = computeTheos(r.data.events, { asOf: clock.now(), oddsFormat: 'decimal' });
    for (const theo of results) {
      if (theo.kind !== 'theo') throw new Error(`no theo: ${theo.reason}`);
      expect(theo.threeWay).toBe(true);
      const truth = world.games.find((g) => g.oddsEventId === theo.eventId)!.path.at(clock.now());
      const draw = theo.outcomes.find((o) => o.name === 'Draw')!.probability;
      expect(Math.abs(draw - truth.draw!)).toBeLessThan(0.02);
    }
  });

  it('sees the injury in the theo once Pinnacle moves', async () => {
    const { world, clock, client } = await setup('injury-shock');
    const home = async () => {
      const r = await client.odds('basketball_nba', {
        bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm', 'bovada'],
      });
      const [theo] = computeTheos(r.data.events, { asOf: clock.now(), oddsFormat: 'decimal' }).results;
      if (theo?.kind !== 'theo') throw new Error('no theo');
      return theo.outcomes.find((o) => o.name === theo.homeTeam)!.probability;
    };
    const truthAt = (ms: number) => world.games[0]!.path.at(ms).home;
    clock.set(START + 7 * MIN);
    const before = await home();
    expect(Math.abs(before - truthAt(clock.now()))).toBeLessThan(0.015);
    const jump = truthAt(START + 7 * MIN) - truthAt(START + 8 * MIN + 20_000);
    expect(jump).toBeGreaterThan(0.3);
    clock.set(START + 8 * MIN + 20_000);
    const early = await home();
    clock.set(START + 12 * MIN);
    const late = await home();
    // 20 s in, only the fast books (Pinnacle) have moved: the theo must already follow them…
    expect(before - early).toBeGreaterThan(0.1);
    // …and once the lagging books follow it is on the truth (the stale book is discounted).
    expect(Math.abs(late - truthAt(clock.now()))).toBeLessThan(0.03);
  });

  it('classifies simulator errors as the client expects', async () => {
    const { sim, client } = await setup('nba-quiet-evening');
    const bad = new OddsApiClient({
      apiKey: 'wrong-key-wrong-key-wrong-key-00',
      baseUrl: sim.baseUrl,
      retry: { maxAttempts: 1 },
    });
    await expect(bad.sports()).rejects.toMatchObject({ kind: 'unauthorized', errorCode: 'INVALID_KEY' });
    await expect(client.odds('tennis_atp', { regions: ['us'] })).rejects.toMatchObject({
      kind: 'not-found',
      errorCode: 'UNKNOWN_SPORT',
    });
    await expect(
      client.odds('basketball_nba', { regions: ['us'], markets: ['player_points'] }),
    ).rejects.toMatchObject({
      kind: 'invalid-request',
      errorCode: 'INVALID_MARKET',
    });
    sim.faults.set('quotaExhausted', true);
    const err = await client.odds('basketball_nba', { regions: ['us'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OddsApiError);
    expect((err as OddsApiError).kind).toBe('quota-exhausted');
    expect((err as OddsApiError).message).not.toContain(KEY);
  });
});
