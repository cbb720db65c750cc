/**
 * The operator's dashboard of a deployed stage (`npm run dashboard`, here `--stage local` on local
 * DynamoDB) shows the trader's numbers: the trading day's PnL rebuilt from the stored record —
 * realised with the settlement wave and fees, drawdown, open positions marked at theo, the
 * calibration of the day's games against Pinnacle and the plain average — and the edge of the
 * fills each shard publishes, merged contract-weighted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorDashboard, startOperatorDashboard } from '../../../scripts/dashboard.ts';
import { ManualClock } from '../../../shared/clock.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { liveItems } from '../../../worker/dashboard/live-publisher.ts';
import type { DashboardState, EdgePanelView } from '../../../worker/dashboard/view-model.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { FakeDesk } from '../../worker/dashboard/fixtures.ts';

let db: LocalDynamo;
let store: Store;
let dash: OperatorDashboard;
// 2026-11-26 01:00 UTC: still the trading day of the 25th (it starts at 10:00 UTC).
const NOW = Date.UTC(2026, 10, 26, 1, 0);
const GAME = 'KXNBAGAME-26NOV25ATLBKN';
const OPEN = 'KXNHLGAME-26NOV25BOSNYR';
const at = (h: number, m = 0) => Date.UTC(2026, 10, 25, h, m);

const edgeRow = (key: string, contracts: number, theo: number | null) => ({
  key,
  fills: contracts / 100,
  contracts,
  edge: { theo, mid: null },
  markout: {
    '10s': { theo, mid: null },
    '60s': { theo, mid: null },
    '5m': { theo: theo === null ? null : theo - 10_000, mid: null },
  },
});
const edgeOf = (contracts: number, theo: number | null): EdgePanelView => ({
  all: edgeRow('all', contracts, theo),
  bySport: [edgeRow('nba', contracts, theo)],
  byMode: [],
  bySize: [],
});

beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  // Bought 10 ATL at 40¢, sold 4 at 50¢ (+$0.40, fees 2¢); ATL lost at 00:30: the wave, −$2.40.
  for (const [id, side, cents, n, ts] of [
    ['t1', 'bid', 40, 10, at(23)],
    ['t2', 'ask', 50, 4, at(23, 30)],
  ] as const)
    await store.fills.put({
      tradeId: id,
      orderId: `o-${id}`,
      ticker: `${GAME}-ATL`,
      eventTicker: GAME,
      side,
      price: cents * 10_000,
      count: n * 100,
      fee: 10_000,
      ts,
    });
  await store.settlements!.put({
    ticker: `${GAME}-ATL`,
    eventTicker: GAME,
    result: 'no',
    value: 0,
    position: 600,
    revenue: 0,
    fee: 0,
    ts: at(24, 30),
  });
  await store.gameDays!.touch('2026-11-25', GAME, at(23));
  // Its theo at the stop against the outcome: ours 45 % ATL, Pinnacle 40 %, the plain average 50 %.
  await store.theoStops!.put({
    eventTicker: GAME,
    sport: 'nba',
    stopAtMs: at(23, 50),
    books: 3,
    markets: [
      { ticker: `${GAME}-ATL`, theo: 0.45, result: 'no', pinnacle: 0.4, average: 0.5 },
      { ticker: `${GAME}-BKN`, theo: 0.55, result: 'yes', pinnacle: 0.6, average: 0.5 },
    ],
  });
  // An open position: 2 BOS bought at 50¢, the game's theo now 60 % → marked +$0.20.
  await store.fills.put({
    tradeId: 't3',
    orderId: 'o-t3',
    ticker: `${OPEN}-BOS`,
    eventTicker: OPEN,
    side: 'bid',
    price: 500_000,
    count: 200,
    ts: at(24, 40),
  });
  await store.gameDays!.touch('2026-11-25', OPEN, at(24, 40));
  await store.mapping.put({
    kalshiEventTicker: OPEN,
    seriesTicker: 'KXNHLGAME',
    oddsEventId: 'odds-bosnyr',
    sportKey: 'icehockey_nhl',
    commenceTime: at(25),
    markets: [
      { ticker: `${OPEN}-BOS`, outcome: 'Boston Bruins' },
      { ticker: `${OPEN}-NYR`, outcome: 'New York Rangers' },
    ],
    matchedAt: at(20),
  });
  await store.theos.put({
    eventId: 'odds-bosnyr',
    sportKey: 'icehockey_nhl',
    homeTeam: 'New York Rangers',
    awayTeam: 'Boston Bruins',
    commenceTime: at(25),
    outcomes: [
      { name: 'New York Rangers', probability: 0.4 },
      { name: 'Boston Bruins', probability: 0.6 },
    ],
    method: 'power',
    booksUsed: ['pinnacle'],
    booksDropped: 0,
    asOf: at(24, 50),
    source: 'poll',
  });
  // Two shards, each with the edge of its own fills: 1 contract at +2¢, 3 contracts at −2¢.
  const desk = new FakeDesk();
  const shard = liveItems(desk.snapshot()).shard;
  for (const [id, edge] of [
    ['0', edgeOf(100, 20_000)],
    ['1', edgeOf(300, -20_000)],
  ] as const)
    await store.liveSnapshots!.put({ kind: 'shard', id, shardId: id, body: { ...shard, edge }, now: NOW });
  dash = await startOperatorDashboard(
    {
      stage: 'local',
      endpoint: db.endpoint,
      table: db.tableName,
      port: 0,
      host: '127.0.0.1',
      'poll-ms': 60_000,
    },
    { now: () => NOW, clock: new ManualClock(NOW), operator: 'alice@test' },
  );
});

afterAll(async () => {
  await dash?.close();
  await db?.close();
});

async function state(): Promise<DashboardState> {
  const res = await fetch(`${dash.server.url.replace(/[#?].*$/, '').replace(/\/$/, '')}/api/state`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { state: DashboardState }).state;
}

describe('the operator dashboard shows the trader numbers', () => {
  it("the trading day's PnL from the record: the settlement wave, fees, drawdown, marked at theo, calibration", async () => {
    await expect.poll(async () => (await state()).pnlDay ?? null).not.toBeNull();
    const d = (await state()).pnlDay!;
    expect(d).toMatchObject({
      day: '2026-11-25',
      realised: -2_020_000,
      trades: 400_000,
      settlements: -2_400_000,
      fees: -20_000,
      drawdown: 2_400_000,
      open: 1,
      marked: 200_000,
      unpriced: 0,
      error: null,
    });
    expect(d.calibration).toMatchObject({ games: 1, unresolved: 0 });
    const brier = Object.fromEntries(d.calibration!.scores.map((s) => [s.against, s.brier]));
    expect(brier.theo).toBeCloseTo(0.45 ** 2, 12);
    expect(brier.pinnacle).toBeCloseTo(0.4 ** 2, 12);
    expect(brier.average).toBeCloseTo(0.25, 12);
    expect(d.calibration!.table.map((r) => [r.lo, r.n, r.winRate])).toEqual([
      [0.4, 1, 0],
      [0.5, 1, 1],
    ]);
  });

  it("the shards' edge panels merged, contract-weighted", async () => {
    const e = (await state()).edge!;
    // (1 × 2¢ + 3 × −2¢) / 4 = −1¢ a contract; 5 min later 1¢ worse.
    expect(e.all).toMatchObject({ contracts: 400, edge: { theo: -10_000, mid: null } });
    expect(e.all!.markout['5m'].theo).toBe(-20_000);
    expect(e.bySport.map((r) => [r.key, r.contracts, r.edge.theo])).toEqual([['nba', 400, -10_000]]);
  });
});
