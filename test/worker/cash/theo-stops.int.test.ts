/**
 * Theo against outcomes, recorded by the worker on local DynamoDB: at a game's stop its theo per
 * market is stored (quoted or not) and its game indexed for the stop's day; once Kalshi has
 * determined every market the record is written again with the results; the daily report then has
 * its calibration table and Brier score, leaving unresolved markets out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { brierScore } from '../../../shared/pnl/calibration.ts';
import {
  buildDayReport,
  calibrationOf,
  sportOfGame,
  storeRecordReader,
} from '../../../shared/pnl/day-report.ts';
import { gameTheosOf, readGameTheos } from '../../../shared/pnl/game-theos.ts';
import { dayReportHtml } from '../../../shared/pnl/report-html.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { TheoStopRecorder } from '../../../worker/cash/theo-stops.ts';
import { tradingDay } from '../../../worker/engine/day-drawdown.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { recordingLog } from '../engine/support.ts';

let db: LocalDynamo;
let store: Store;
beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
});
afterAll(async () => {
  await db.close();
});

const GAME = 'KXNBAGAME-26NOV25BOSMIL';
const STOP = Date.UTC(2026, 10, 26, 0, 30);

describe('theo at the stop', () => {
  it('records every game at its stop, then its results, and the report calibrates theo against them', async () => {
    const clock = new ManualClock(STOP - 60_000);
    const results: Record<string, string | null> = { [`${GAME}-BOS`]: null, [`${GAME}-MIL`]: null };
    const asked: string[] = [];
    const rec = new TheoStopRecorder({
      clock,
      session: {
        snapshot: () => ({
          games: [
            {
              eventTicker: GAME,
              sport: 'nba',
              stopAtMs: STOP,
              theo: { books: 5 },
              markets: [
                { ticker: `${GAME}-BOS`, theo: 0.62 },
                { ticker: `${GAME}-MIL`, theo: 0.38 },
              ],
            },
            { eventTicker: 'KXNBAGAME-26NOV26LALDEN', sport: 'nba', stopAtMs: null, theo: null, markets: [] },
          ],
        }),
      },
      stops: store.theoStops!,
      gameDays: store.gameDays!,
      rest: {
        getMarket: async (t) => {
          asked.push(t);
          return { result: results[t] ?? null };
        },
      },
      resultEveryMs: 60_000,
      log: recordingLog(),
    });
    await rec.pass();
    expect(await store.theoStops!.get(GAME)).toBeNull();

    clock.advance(60_000);
    await rec.pass();
    expect(await store.theoStops!.get(GAME)).toEqual({
      eventTicker: GAME,
      sport: 'nba',
      stopAtMs: STOP,
      books: 5,
      markets: [
        { ticker: `${GAME}-BOS`, theo: 0.62, result: null },
        { ticker: `${GAME}-MIL`, theo: 0.38, result: null },
      ],
    });
    expect(await store.gameDays!.games('2026-11-25')).toContain(GAME);
    expect(asked).toHaveLength(2);
    const reader = storeRecordReader(store);
    const opts = { dayOf: (ms: number) => tradingDay(ms), sportOf: sportOfGame, now: clock.now() };
    expect((await buildDayReport(reader, '2026-11-25', opts)).calibration).toMatchObject({
      games: 1,
      markets: 0,
      unresolved: 2,
      brier: null,
      table: [],
    });

    // Asked again only after resultEveryMs; Boston won.
    results[`${GAME}-BOS`] = 'yes';
    results[`${GAME}-MIL`] = 'no';
    clock.advance(30_000);
    await rec.pass();
    expect(asked).toHaveLength(2);
    clock.advance(30_000);
    await rec.pass();
    expect((await store.theoStops!.get(GAME))?.markets.map((m) => m.result)).toEqual(['yes', 'no']);
    const c = (await buildDayReport(reader, '2026-11-25', opts)).calibration!;
    expect(c).toMatchObject({ games: 1, markets: 2, unresolved: 0 });
    expect(c.brier).toBeCloseTo(0.38 ** 2, 12);
    expect(c.table.map((r) => [r.lo, r.n, r.winRate])).toEqual([
      [0.3, 1, 0],
      [0.6, 1, 1],
    ]);
    // Done: nothing more is asked.
    clock.advance(600_000);
    await rec.pass();
    expect(asked).toHaveLength(4);
  });

  it('keeps Pinnacle and the plain average of books at the stop; the report scores all three side by side', async () => {
    const game = 'KXNBAGAME-26NOV25PHINYK';
    const [phi, nyk] = [`${game}-PHI`, `${game}-NYK`];
    await store.mapping.put({
      kalshiEventTicker: game,
      seriesTicker: 'KXNBAGAME',
      oddsEventId: 'odds-phinyk',
      sportKey: 'basketball_nba',
      commenceTime: STOP + 600_000,
      markets: [
        { ticker: phi, outcome: 'Philadelphia 76ers' },
        { ticker: nyk, outcome: 'New York Knicks' },
      ],
      matchedAt: STOP - 3_600_000,
    });
    await store.theos.put({
      eventId: 'odds-phinyk',
      sportKey: 'basketball_nba',
      homeTeam: 'New York Knicks',
      awayTeam: 'Philadelphia 76ers',
      commenceTime: STOP + 600_000,
      outcomes: [
        { name: 'New York Knicks', probability: 0.6 },
        { name: 'Philadelphia 76ers', probability: 0.4 },
      ],
      method: 'power',
      booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
      booksDropped: 0,
      asOf: STOP - 60_000,
      source: 'poll',
      bookFair: [
        { key: 'draftkings', probabilities: [0.5, 0.5] },
        { key: 'pinnacle', probabilities: [0.7, 0.3] },
        { key: 'fanduel', probabilities: [0.6, 0.4] },
      ],
    });
    const clock = new ManualClock(STOP + 1_000);
    const rec = new TheoStopRecorder({
      clock,
      session: {
        snapshot: () => ({
          games: [
            {
              eventTicker: game,
              sport: 'nba',
              stopAtMs: STOP,
              theo: { books: 3 },
              markets: [
                { ticker: phi, theo: 0.4 },
                { ticker: nyk, theo: 0.6 },
              ],
            },
          ],
        }),
      },
      stops: store.theoStops!,
      gameDays: store.gameDays!,
      rest: { getMarket: async (t) => ({ result: t === nyk ? 'yes' : 'no' }) },
      references: (g) => readGameTheos(store, g),
      log: recordingLog(),
    });
    await rec.pass();
    await rec.pass();
    const stored = await store.theoStops!.get(game);
    expect(stored?.markets).toEqual([
      { ticker: phi, theo: 0.4, result: 'no', pinnacle: 0.3, average: expect.closeTo(0.4, 12) },
      { ticker: nyk, theo: 0.6, result: 'yes', pinnacle: 0.7, average: expect.closeTo(0.6, 12) },
    ]);
    const report = await buildDayReport(
      {
        games: async () => [game],
        fills: async () => [],
        settlements: async () => [],
        theoStop: (g) => store.theoStops!.get(g),
      },
      '2026-11-25',
      { dayOf: (ms) => tradingDay(ms), sportOf: sportOfGame, now: clock.now() },
    );
    const c = report.calibration!;
    // Knicks won: theo 0.6 and the plain average 0.6 both miss by 0.4 a market; Pinnacle by 0.3.
    expect(c.brier).toBeCloseTo(0.16, 12);
    expect(c.books.pinnacle).toMatchObject({
      markets: 2,
      brier: expect.closeTo(0.09, 12),
      theoBrier: expect.closeTo(0.16, 12),
    });
    expect(c.books.average).toMatchObject({ markets: 2, brier: expect.closeTo(0.16, 12) });
    expect(c.books.pinnacle.table.map((r) => [r.lo, r.n, r.winRate])).toEqual([
      [0.3, 1, 0],
      [0.7, 1, 1],
    ]);
    const html = dayReportHtml(report);
    expect(html).toContain('data-testid="brier-theo">0.1600<');
    expect(html).toContain('data-testid="brier-pinnacle">0.0900<');
    expect(html).toContain('data-testid="brier-average">0.1600<');
  });

  it('a game whose theo record keeps no books (written before) is recorded without them, and counted nowhere in their columns', async () => {
    const refs = gameTheosOf(
      {
        kalshiEventTicker: 'G',
        seriesTicker: 'S',
        oddsEventId: 'o',
        sportKey: 'k',
        commenceTime: 0,
        markets: [
          { ticker: 'G-A', outcome: 'A' },
          { ticker: 'G-B', outcome: 'B' },
          { ticker: 'G-TIE', outcome: 'Draw' },
        ],
        matchedAt: 0,
      },
      {
        eventId: 'o',
        sportKey: 'k',
        homeTeam: 'A',
        awayTeam: 'B',
        commenceTime: 0,
        outcomes: [
          { name: 'A', probability: 0.55 },
          { name: 'B', probability: 0.45 },
        ],
        method: 'power',
        booksUsed: ['fanduel'],
        booksDropped: 0,
        asOf: 0,
        source: 'poll',
      },
    );
    // The market the theo does not price (Draw in a 2-way theo) is left out, and no book is guessed.
    expect([...refs.theo]).toEqual([
      ['G-A', 0.55],
      ['G-B', 0.45],
    ]);
    expect(refs.pinnacle.size).toBe(0);
    expect(refs.average.size).toBe(0);
    expect(calibrationOf([]).books.pinnacle).toEqual({ markets: 0, brier: null, theoBrier: null, table: [] });
  });

  it('a restart reads back the stops waiting for results: asks for them, never writes a recorded stop again; a determined market asks soon', async () => {
    const game = 'KXNHLGAME-26NOV25BOSNYR';
    const results: Record<string, string | null> = { [`${game}-BOS`]: null, [`${game}-NYR`]: null };
    const asked: string[] = [];
    let theo = 0.55;
    const recorder = (clock: ManualClock) =>
      new TheoStopRecorder({
        clock,
        session: {
          snapshot: () => ({
            games: [
              {
                eventTicker: game,
                sport: 'nhl',
                stopAtMs: STOP,
                theo: { books: 4 },
                markets: [
                  { ticker: `${game}-BOS`, theo },
                  { ticker: `${game}-NYR`, theo: theo === 0.55 ? 0.45 : 0.3 },
                ],
              },
            ],
          }),
        },
        stops: store.theoStops!,
        gameDays: store.gameDays!,
        rest: {
          getMarket: async (t) => {
            asked.push(t);
            return { result: results[t] ?? null };
          },
        },
        resultEveryMs: 3_600_000,
        log: recordingLog(),
      });
    const first = recorder(new ManualClock(STOP + 1_000));
    await first.pass();
    expect((await store.theoStops!.get(game))?.markets.map((m) => m.theo)).toEqual([0.55, 0.45]);
    expect(asked).toHaveLength(2);

    // The worker restarts; the session's theo has moved since the stop.
    theo = 0.7;
    const clock = new ManualClock(STOP + 120_000);
    const second = recorder(clock);
    second.start();
    await second.pass();
    expect((await store.theoStops!.get(game))?.markets.map((m) => m.theo)).toEqual([0.55, 0.45]);
    expect(asked).toHaveLength(4); // the first ask of this process

    // The lifecycle channel says a market is determined: asked 5 s later, not an hour later.
    results[`${game}-BOS`] = 'no';
    results[`${game}-NYR`] = 'yes';
    second.determined(game);
    second.determined(game);
    clock.advance(5_000);
    await second.idle();
    expect(asked).toHaveLength(6);
    expect(await store.theoStops!.get(game)).toMatchObject({
      markets: [
        { ticker: `${game}-BOS`, theo: 0.55, result: 'no' },
        { ticker: `${game}-NYR`, theo: 0.45, result: 'yes' },
      ],
    });
    second.stop();
  });

  it('Brier: 0 for certain right forecasts, 0.25 for always 50 %, null without samples', () => {
    expect(
      brierScore([
        { p: 1, won: true },
        { p: 0, won: false },
      ]),
    ).toBe(0);
    expect(
      brierScore([
        { p: 0.5, won: true },
        { p: 0.5, won: false },
      ]),
    ).toBe(0.25);
    expect(brierScore([])).toBeNull();
  });
});
