/**
 * `npm run report`: the trading day's PnL from a store on local DynamoDB, through the command line —
 * a game bought the evening before and settled after midnight UTC is the day's settlement wave; a
 * fill the next trading day is not in it; bad flags are one line, exit 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/report.ts';
import { createStore } from '../../shared/store/index.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';

let db: LocalDynamo;
let dir: string;
beforeAll(async () => {
  db = await startDynalite();
  dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  const text = { out: '', err: '' };
  return {
    text,
    out: { write: (s: string) => (text.out += s) },
    err: { write: (s: string) => (text.err += s) },
  };
}

const GAME = 'KXNBAGAME-26NOV25ATLBKN';
const at = (h: number, m = 0) => Date.UTC(2026, 10, 25, h, m);

describe('npm run report', () => {
  it('writes the day as JSON and HTML: trades, the settlement wave, fees, per sport and game', async () => {
    const store = createStore(db.doc, db.tableName);
    const fill = (tradeId: string, side: 'bid' | 'ask', cents: number, contracts: number, ts: number) =>
      store.fills.put({
        tradeId,
        orderId: `o-${tradeId}`,
        ticker: `${GAME}-ATL`,
        eventTicker: GAME,
        side,
        price: cents * 10_000,
        count: contracts * 100,
        fee: 10_000,
        ts,
      });
    // Evening of the 25th (trading day 2026-11-25): bought 10 at 40¢, sold 4 at 50¢ (+$0.40).
    await fill('t1', 'bid', 40, 10, at(23));
    await fill('t2', 'ask', 50, 4, at(23, 30));
    // Settled at 04:00 UTC on the 26th, still the 25th's trading day: ATL lost, 6 × 40¢ gone.
    await store.settlements!.put({
      ticker: `${GAME}-ATL`,
      eventTicker: GAME,
      result: 'no',
      value: 0,
      position: 600,
      revenue: 0,
      fee: 0,
      ts: at(28),
    });
    // The next trading day's fill on another game.
    await store.fills.put({
      tradeId: 't3',
      orderId: 'o-t3',
      ticker: 'KXNHLGAME-26NOV26BOSNYR-BOS',
      eventTicker: 'KXNHLGAME-26NOV26BOSNYR',
      side: 'bid',
      price: 500_000,
      count: 100,
      ts: at(35),
    });
    for (const [day, game, ts] of [
      ['2026-11-25', GAME, at(23)],
      ['2026-11-26', 'KXNHLGAME-26NOV26BOSNYR', at(35)],
    ] as const)
      await store.gameDays!.touch(day, game, ts);

    const x = io();
    const argv = ['--day', '2026-11-25', '--stage', 'local', '--endpoint', db.endpoint];
    expect(await main([...argv, '--table', db.tableName, '--out', dir], x)).toBe(0);
    expect(x.text.err).toBe('');
    expect(x.text.out).toMatch(
      /^trading day 2026-11-25: realised -\$2\.02 \(trades \$0\.40, settlements -\$2\.40, fees -\$0\.02\), drawdown \$2\.40, 1 games, 2 fills, 1 settlements, 0 open positions\n/,
    );
    const report = JSON.parse(readFileSync(join(dir, 'pnl-2026-11-25.json'), 'utf8'));
    expect(report).toMatchObject({
      day: '2026-11-25',
      realised: -2_020_000,
      bySport: [{ sport: 'nba', games: 1, realised: -2_020_000 }],
      byGame: [{ eventTicker: GAME, settlements: -2_400_000 }],
    });
    const html = readFileSync(join(dir, 'pnl-2026-11-25.html'), 'utf8');
    expect(html).toContain('−$2.40');
    // No theo at the stop was recorded for that game: an empty calibration, said so.
    expect(report.calibration).toMatchObject({ games: 0, markets: 0, unresolved: 0, brier: null, table: [] });
    expect(html).toContain('0 games stopped this day');
    // The next day: the NHL fill is open and marked at the game's current theo (its mapping to the
    // odds event, then THEO#: Boston 55 %, bought at 50¢ → +5¢); the NBA one has no theo anywhere.
    await store.mapping.put({
      kalshiEventTicker: 'KXNHLGAME-26NOV26BOSNYR',
      seriesTicker: 'KXNHLGAME',
      oddsEventId: 'odds-nhl-1',
      sportKey: 'icehockey_nhl',
      commenceTime: at(48),
      markets: [
        { ticker: 'KXNHLGAME-26NOV26BOSNYR-BOS', outcome: 'Boston Bruins' },
        { ticker: 'KXNHLGAME-26NOV26BOSNYR-NYR', outcome: 'New York Rangers' },
      ],
      matchedAt: at(30),
    });
    await store.theos.put({
      eventId: 'odds-nhl-1',
      sportKey: 'icehockey_nhl',
      homeTeam: 'New York Rangers',
      awayTeam: 'Boston Bruins',
      commenceTime: at(48),
      outcomes: [
        { name: 'New York Rangers', probability: 0.45 },
        { name: 'Boston Bruins', probability: 0.55 },
      ],
      method: 'power',
      booksUsed: ['pinnacle'],
      booksDropped: 0,
      asOf: at(34),
      source: 'poll',
    });
    await store.fills.put({
      tradeId: 't4',
      orderId: 'o-t4',
      ticker: 'KXNBAGAME-26NOV26LALDEN-LAL',
      eventTicker: 'KXNBAGAME-26NOV26LALDEN',
      side: 'ask',
      price: 300_000,
      count: 200,
      ts: at(36),
    });
    await store.gameDays!.touch('2026-11-26', 'KXNBAGAME-26NOV26LALDEN', at(36));
    const y = io();
    expect(
      await main(
        [
          '--day',
          '2026-11-26',
          '--stage',
          'local',
          '--endpoint',
          db.endpoint,
          '--table',
          db.tableName,
          '--out',
          dir,
        ],
        y,
      ),
    ).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'pnl-2026-11-26.json'), 'utf8'))).toMatchObject({
      realised: 0,
      open: [
        { ticker: 'KXNBAGAME-26NOV26LALDEN-LAL', position: -200, marked: null },
        { ticker: 'KXNHLGAME-26NOV26BOSNYR-BOS', position: 100, marked: 50_000 },
      ],
      marked: 50_000,
      unpriced: 1,
    });
    expect(y.text.out).toContain('2 open positions marked $0.05 at theo (1 without a theo)');
    expect(readFileSync(join(dir, 'pnl-2026-11-26.html'), 'utf8')).toContain(
      '1 open position without a theo: left out of the marked total.',
    );
  });

  it('--since: the calibration table covers the trading days from it to --day', async () => {
    const store = createStore(db.doc, db.tableName);
    const stopOn = async (game: string, ms: number, theo: number, result: 'yes' | 'no') => {
      await store.theoStops!.put({
        eventTicker: game,
        sport: 'nba',
        stopAtMs: ms,
        books: 3,
        markets: [{ ticker: `${game}-A`, theo, result, pinnacle: theo }],
      });
      await store.gameDays!.touch(new Date(ms - 36_000_000).toISOString().slice(0, 10), game, ms);
    };
    // Trading days 2026-11-20 and 2026-11-21 (each from 10:00 UTC); the 19th's is outside the period.
    await stopOn('KXNBAGAME-26NOV19AAABBB', Date.UTC(2026, 10, 19, 23), 0.9, 'no');
    await stopOn('KXNBAGAME-26NOV20CCCDDD', Date.UTC(2026, 10, 21, 1), 0.7, 'yes');
    await stopOn('KXNBAGAME-26NOV21EEEFFF', Date.UTC(2026, 10, 21, 23), 0.2, 'no');
    const run = async (extra: string[]) => {
      const x = io();
      const argv = [
        '--day',
        '2026-11-21',
        '--stage',
        'local',
        '--endpoint',
        db.endpoint,
        '--table',
        db.tableName,
      ];
      expect(await main([...argv, '--out', dir, ...extra], x)).toBe(0);
      return JSON.parse(readFileSync(join(dir, 'pnl-2026-11-21.json'), 'utf8'));
    };
    expect((await run([])).calibration).toMatchObject({ games: 1, markets: 1 });
    const period = await run(['--since', '2026-11-20']);
    expect(period.calibrationPeriod).toEqual({ from: '2026-11-20', to: '2026-11-21' });
    expect(period.calibration).toMatchObject({ games: 2, markets: 2, books: { pinnacle: { markets: 2 } } });
    expect(period.calibration.brier).toBeCloseTo((0.3 ** 2 + 0.2 ** 2) / 2, 12);
    expect(readFileSync(join(dir, 'pnl-2026-11-21.html'), 'utf8')).toContain(
      '2 games stopped from 2026-11-20 to 2026-11-21',
    );
  });

  it.each([
    [['--stage', 'local'], '--day'],
    [['--day', '2026-13-45', '--stage', 'local'], '--day'],
    [['--day', '2026-11-25', '--stage', 'local'], '--endpoint'],
    [['--day', '2026-11-25', '--since', '2026-11-26', '--stage', 'local'], '--since'],
    [['--day', '2026-11-25', '--since', '2026-01-01', '--stage', 'local'], '--since'],
  ])('%j: one line naming the flag, exit 2', async (argv, flag) => {
    const x = io();
    expect(await main(argv, x)).toBe(2);
    expect(x.text.err.trim().split('\n')).toHaveLength(1);
    expect(x.text.err.startsWith(`error: ${flag}: `)).toBe(true);
  });
});
