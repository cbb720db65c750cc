import { describe, expect, it } from 'vitest';
import { loadDeployConfig, theoLimits, workerEngineConfig } from '../../infra/config.ts';

describe('deploy config', () => {
  it('defaults: one demo shard, 30-minute polls, priority sports with credit floors', () => {
    const c = loadDeployConfig(undefined);
    expect(c).toMatchObject({
      stage: 'prod',
      shards: 1,
      worker: { kalshiEnv: 'demo', enabled: false },
      odds: { pollEveryMinutes: 30 },
    });
    expect(c.odds.bookmakers.length).toBeLessThanOrEqual(10);
    expect(c.odds.bookmakers).toContain('pinnacle');
    expect(c.odds.sports.find((s) => s.priority === 1)?.minCredits).toBe(0);
  });

  it('accepts the context as a JSON string (cdk -c) or an object', () => {
    expect(loadDeployConfig('{"shards":3}').shards).toBe(3);
    expect(
      loadDeployConfig({
        odds: {
          pollEveryMinutes: 10,
          bookmakers: ['pinnacle'],
          sports: [{ sportKey: 'soccer_epl', priority: 1, minCredits: 0 }],
        },
      }).odds.horizonHours,
    ).toBe(36);
  });

  it("the worker's engine config is validated at synth, naming the field, and its sports are checked against the poll", () => {
    expect(() => loadDeployConfig({ worker: { engine: { quoting: { minEdge: -1 } } } })).toThrow(
      /worker\.engine\.quoting\.minEdge/,
    );
    // Defaults: the polled sports are exactly the traded ones.
    expect(workerEngineConfig(loadDeployConfig(undefined))).toMatchObject({ unpriced: [], untraded: [] });
    const c = loadDeployConfig({
      worker: { engine: { sports: { nhl: { series: ['KXNHLGAME'], oddsSportKey: 'icehockey_nhl' } } } },
    });
    expect(workerEngineConfig(c)).toMatchObject({
      unpriced: ['icehockey_nhl'],
      untraded: ['basketball_nba', 'americanfootball_nfl'],
    });
  });

  it('a polled tournament sport ("atp") prices the traded tournament key; unused, it is untraded', () => {
    const c = loadDeployConfig({
      odds: { bookmakers: ['pinnacle'], sports: [{ sportKey: 'atp', priority: 1, minCredits: 0 }] },
      worker: {
        engine: { sports: { atp: { series: ['KXATPMATCH'], oddsSportKey: 'tennis_atp_australian_open' } } },
      },
    });
    expect(workerEngineConfig(c)).toMatchObject({ unpriced: [], untraded: [] });
    const wta = loadDeployConfig({
      odds: { bookmakers: ['pinnacle'], sports: [{ sportKey: 'wta', priority: 1, minCredits: 0 }] },
      worker: {
        engine: { sports: { atp: { series: ['KXATPMATCH'], oddsSportKey: 'tennis_atp_australian_open' } } },
      },
    });
    expect(workerEngineConfig(wta)).toMatchObject({
      unpriced: ['tennis_atp_australian_open'],
      untraded: ['wta'],
    });
  });

  it('a bad value fails naming the field', () => {
    expect(() => loadDeployConfig({ shards: 0 })).toThrow(/shards/);
    expect(() => loadDeployConfig({ worker: { kalshiEnv: 'live' } })).toThrow(/worker\.kalshiEnv/);
    expect(() =>
      loadDeployConfig({ odds: { bookmakers: Array.from({ length: 11 }, (_, i) => `b${i}`), sports: [] } }),
    ).toThrow(/odds\.bookmakers.*odds\.sports|odds\.sports.*odds\.bookmakers/);
    expect(() => loadDeployConfig({ stage: 'Prod!' })).toThrow(/stage/);
  });

  it('theo age limit and stale alarm follow the poll interval; contradictions fail naming the field', () => {
    expect(theoLimits(loadDeployConfig(undefined))).toEqual({ maxAgeMinutes: 65, staleAlarmMinutes: 35 });
    const odds = (extra: Record<string, unknown>) => ({
      bookmakers: ['pinnacle'],
      sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
      ...extra,
    });
    expect(theoLimits(loadDeployConfig({ odds: odds({ pollEveryMinutes: 5 }) }))).toEqual({
      maxAgeMinutes: 15,
      staleAlarmMinutes: 10,
    });
    expect(theoLimits(loadDeployConfig({ odds: odds({ pollEveryMinutes: 1 }) }))).toEqual({
      maxAgeMinutes: 7,
      staleAlarmMinutes: 6,
    });
    expect(
      theoLimits(loadDeployConfig({ odds: odds({ pollEveryMinutes: 30, theoMaxAgeMinutes: 40 }) })),
    ).toEqual({ maxAgeMinutes: 40, staleAlarmMinutes: 35 });
    expect(() => loadDeployConfig({ odds: odds({ pollEveryMinutes: 30, theoMaxAgeMinutes: 30 }) })).toThrow(
      /odds\.theoMaxAgeMinutes/,
    );
    // Daily polls: the 6 h cap would leave games unquotable most of the day.
    expect(() => loadDeployConfig({ odds: odds({ pollEveryMinutes: 1440 }) })).toThrow(
      /odds\.pollEveryMinutes/,
    );
    expect(() => loadDeployConfig({ alarms: { theoStaleMinutes: 90 } })).toThrow(/alarms\.theoStaleMinutes/);
  });
});
