import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { pollMarkets } from '../../functions/odds/poll-plan.ts';
import { DEFAULT_LADDER_SPORTS, makeHandler, type OddsPollDeps } from '../../functions/odds-poll.ts';
import { oddsEnvSchema, parseEnv } from '../../functions/runtime/env.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import { curveOver } from '../../shared/pricing/anchored-curve.ts';
import { strikeTheo } from '../../shared/pricing/strike-theo.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import { pricedGameFromRecord, StrikeTheoStore } from '../../shared/store/strike-theos.ts';
import type { OddsSim } from '../../sim/odds/server.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { RecordingLog, RecordingMetrics, SIM_ODDS_KEY, SIM_START, startOddsSimulator } from './support.ts';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

let db: LocalDynamo;
let store: Store;
let strikes: StrikeTheoStore;
let sim: OddsSim;
let metrics: RecordingMetrics;

beforeEach(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  strikes = new StrikeTheoStore({ doc: db.doc, tableName: db.tableName });
  sim = await startOddsSimulator();
  open.push(db, sim);
  metrics = new RecordingMetrics();
});

function deps(overrides: Partial<OddsPollDeps> = {}): OddsPollDeps {
  const client = new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
  return {
    sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
    bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm', 'williamhill_us'],
    horizonHours: 36,
    theos: store.theos,
    strikeTheos: strikes,
    odds: async () => client,
    now: () => SIM_START,
    log: new RecordingLog(),
    metrics,
    ...overrides,
  };
}

describe('odds-poll with spread and total ladders', () => {
  it('asks for h2h,spreads,totals in one call (3 credits) and stores each game its strike theo beside the winner theo', async () => {
    const before = sim.usage();
    const summary = await makeHandler(deps())({ trigger: 'schedule' });
    expect(sim.usage().used - before.used).toBe(3);
    const nba = summary.sports[0]!;
    expect(nba).toMatchObject({
      status: 'polled',
      events: 4,
      written: 4,
      strikeWritten: 4,
      strikeRefused: 0,
    });
    expect(metrics.last('StrikeTheosWritten')).toBe(4);

    const theos = await store.theos.listBySport('basketball_nba');
    const stored = await strikes.getMany(theos.map((t) => t.eventId));
    expect(stored.size).toBe(4);
    for (const t of theos) {
      const s = stored.get(t.eventId)!;
      expect(s).toMatchObject({ asOf: SIM_START, source: 'poll', commenceTime: t.commenceTime });
      expect(s.margin.ok && s.total.ok).toBe(true);
      expect(s.lines.some((l) => l.kind === 'spread')).toBe(true);
      expect(s.lines.some((l) => l.kind === 'total')).toBe(true);
      // The margin reproduces the stored winner theo (P(margin > 0)) within half a cent.
      const game = pricedGameFromRecord(s);
      const home = t.outcomes[0]!.probability;
      expect(Math.abs(curveOver(game.marginCurve!, 0) - home)).toBeLessThan(0.005);
      const over = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: 0.5 });
      expect(over.ok).toBe(true);
    }
  });

  it('without a strike store, or with no ladder sport configured, asks for h2h only (1 credit)', async () => {
    const before = sim.usage();
    await makeHandler(deps({ strikeTheos: undefined }))({ trigger: 'schedule' });
    await makeHandler(deps({ ladderSports: [], now: () => SIM_START + 1 }))({ trigger: 'schedule' });
    expect(sim.usage().used - before.used).toBe(2);
    const ids = (await store.theos.listBySport('basketball_nba')).map((t) => t.eventId);
    expect((await strikes.getMany(ids)).size).toBe(0);
  });

  it('gives the lines up first when credits run low: h2h only once their extra 2 credits would dip under the floor', async () => {
    const lowSim = await startOddsSimulator({ limit: 1000, used: 1000 - 101 });
    open.push(lowSim);
    const client = new OddsApiClient({
      apiKey: SIM_ODDS_KEY,
      baseUrl: lowSim.baseUrl,
      retry: { maxAttempts: 1 },
    });
    const summary = await makeHandler(
      deps({
        odds: async () => client,
        sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 100 }],
      }),
    )({ trigger: 'schedule' });
    expect(summary.sports[0]).toMatchObject({ status: 'polled', written: 4 });
    expect(summary.sports[0]!.strikeWritten).toBeUndefined();
    expect(lowSim.usage().used).toBe(1000 - 101 + 1);
  });
});

describe('pollMarkets', () => {
  const nba = { sportKey: 'basketball_nba', priority: 1, minCredits: 50 };
  const ladders = new Set(DEFAULT_LADDER_SPORTS);
  it('adds spreads,totals for a ladder sport while credits cover their extra cost above the floor', () => {
    expect(pollMarkets(nba, null, ladders)).toEqual(['h2h', 'spreads', 'totals']);
    // h2h alone needs the floor (50); the lines cost 2 more.
    expect(pollMarkets(nba, 52, ladders)).toEqual(['h2h', 'spreads', 'totals']);
    expect(pollMarkets(nba, 51, ladders)).toEqual(['h2h']);
    expect(pollMarkets({ ...nba, sportKey: 'soccer_epl' }, null, ladders)).toEqual(['h2h']);
    expect(pollMarkets(nba, null, new Set())).toEqual(['h2h']);
  });
  it('the default ladder sports are those with a Kalshi spread or total series', () => {
    expect([...DEFAULT_LADDER_SPORTS].sort()).toEqual(
      [
        'americanfootball_ncaaf',
        'americanfootball_nfl',
        'baseball_mlb',
        'basketball_nba',
        'basketball_ncaab',
        'basketball_wnba',
      ].sort(),
    );
  });
});

describe('ODDS_LADDER_SPORTS', () => {
  const base = {
    TABLE_NAME: 't',
    ODDS_API_KEY_SECRET_ARN: 'arn:secret',
    ODDS_BOOKMAKERS: 'pinnacle',
    ODDS_SPORTS: JSON.stringify([{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }]),
  };
  it('unset or `none` means no sport (no credits on lines), `all` every ladder sport, a list names them; a bad key is refused', () => {
    expect(parseEnv(oddsEnvSchema, base).ODDS_LADDER_SPORTS).toEqual([]);
    expect(parseEnv(oddsEnvSchema, { ...base, ODDS_LADDER_SPORTS: 'none' }).ODDS_LADDER_SPORTS).toEqual([]);
    // undefined: the handlers' default, every sport with a Kalshi ladder series
    expect(
      parseEnv(oddsEnvSchema, { ...base, ODDS_LADDER_SPORTS: 'all' }).ODDS_LADDER_SPORTS,
    ).toBeUndefined();
    expect(
      parseEnv(oddsEnvSchema, { ...base, ODDS_LADDER_SPORTS: 'basketball_nba, americanfootball_nfl' })
        .ODDS_LADDER_SPORTS,
    ).toEqual(['basketball_nba', 'americanfootball_nfl']);
    expect(() => parseEnv(oddsEnvSchema, { ...base, ODDS_LADDER_SPORTS: 'NBA!' })).toThrow(
      /ODDS_LADDER_SPORTS/,
    );
  });
});
