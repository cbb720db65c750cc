/**
 * The daily PnL report from the stored record: the day's games (PNLGAMES#), each game's whole
 * history of fills (FILL#) and settlements (SETTLE#) walked by average cost (realised.ts), and the
 * realisations that fall in the day summed (daily.ts). A game's history is read whole because a
 * position opened the day before can settle today. Open positions are marked at theo where one is
 * given and listed as unpriced otherwise — never marked at a guess.
 */
import { DEFAULT_SPORT_CATALOGUE, sportOfSeries } from '../mapping/sports.ts';
import type { FillRecord } from '../store/fills.ts';
import type { Store } from '../store/index.ts';
import type { SettlementRecord } from '../store/settlements.ts';
import type { TheoStop } from '../store/theo-stops.ts';
import type { Micros } from '../units.ts';
import { brierScore, type CalibrationRow, calibrationTable } from './calibration.ts';
import { type DayPnl, dayPnl, seriesOf } from './daily.ts';
import { readGameTheos, type TheoLookupStores } from './game-theos.ts';
import { type LedgerEntry, markAtTheo, type OpenPosition, realise } from './realised.ts';

export interface PnlRecordReader {
  games(day: string): Promise<string[]>;
  fills(eventTicker: string): Promise<FillRecord[]>;
  settlements(eventTicker: string): Promise<SettlementRecord[]>;
  /** The game's theo at its stop and results; absent: no calibration table. */
  theoStop?(eventTicker: string): Promise<TheoStop | null>;
  /**
   * The theo (probability of YES) of each market of a game, to mark its open positions; a market
   * left out is unpriced. Absent: open positions are marked only through `theoOf`.
   */
  marks?(eventTicker: string): Promise<ReadonlyMap<string, number>>;
}

/** Theo at the stop against the outcomes, over the markets of the games that stopped this day. */
export interface DayCalibration {
  games: number;
  /** Markets with a theo and a yes/no result (the samples). */
  markets: number;
  /** Markets with a theo still waiting for their result (or void): left out, never counted as lost. */
  unresolved: number;
  brier: number | null;
  table: CalibrationRow[];
  /** The same outcomes against Pinnacle alone and against the plain average of the books. */
  books: { pinnacle: BookCalibration; average: BookCalibration };
}

/**
 * A book reference's calibration over the markets where the stop record keeps it (records written
 * before it was kept have none), with our theo's Brier score over those same markets beside it.
 */
export interface BookCalibration {
  markets: number;
  brier: number | null;
  theoBrier: number | null;
  table: CalibrationRow[];
}

/** The calibration of a day's stop records: the theo, and each book reference on its own markets. */
export function calibrationOf(stops: readonly TheoStop[]): DayCalibration {
  const samples: { p: number; won: boolean }[] = [];
  const refs = {
    pinnacle: [] as { p: number; theo: number; won: boolean }[],
    average: [] as { p: number; theo: number; won: boolean }[],
  };
  let unresolved = 0;
  for (const s of stops)
    for (const m of s.markets) {
      if (m.theo === null) continue;
      if (m.result !== 'yes' && m.result !== 'no') {
        unresolved++;
        continue;
      }
      const won = m.result === 'yes';
      samples.push({ p: m.theo, won });
      for (const k of ['pinnacle', 'average'] as const) {
        const p = m[k];
        if (p !== undefined && p !== null) refs[k].push({ p, theo: m.theo, won });
      }
    }
  const book = (xs: { p: number; theo: number; won: boolean }[]): BookCalibration => ({
    markets: xs.length,
    brier: brierScore(xs),
    theoBrier: brierScore(xs.map((x) => ({ p: x.theo, won: x.won }))),
    table: calibrationTable(xs),
  });
  return {
    games: stops.length,
    markets: samples.length,
    unresolved,
    brier: brierScore(samples),
    table: calibrationTable(samples),
    books: { pinnacle: book(refs.pinnacle), average: book(refs.average) },
  };
}

export interface DayReport extends DayPnl {
  generatedAt: number;
  /** Fills and settlements that fell in the day. */
  counts: { fills: number; settlements: number; games: number };
  /** Positions of the day's games still open when the report was made, marked at theo where known. */
  open: (OpenPosition & { marked: Micros | null })[];
  /** Sum of the marked PnL of the priced open positions. */
  marked: Micros;
  /** Open positions without a theo to mark them at (left out of `marked`, never marked at a guess). */
  unpriced: number;
  /** Record entries that cannot have happened (a fill after its market settled): not priced. */
  rejected: number;
  /** Null when the record keeps no theo at the stop. */
  calibration: DayCalibration | null;
  /** The trading days the calibration covers (the report's day alone unless a period was asked). */
  calibrationPeriod: { from: string; to: string };
}

/** The longest calibration period a report reads (one day-index query and a read per game a day). */
export const MAX_CALIBRATION_DAYS = 92;

/** The trading days from `from` to `to`, both included. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = shift(d, 1)) out.push(d);
  return out;
}

const DAY_MS = 86_400_000;
const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export function ledgerOf(
  fills: readonly FillRecord[],
  settlements: readonly SettlementRecord[],
): LedgerEntry[] {
  return [
    ...fills.map(
      (f): LedgerEntry => ({
        kind: 'fill',
        tradeId: f.tradeId,
        ticker: f.ticker,
        eventTicker: f.eventTicker,
        side: f.side,
        price: f.price,
        count: f.count,
        ...(f.fee === undefined ? {} : { fee: f.fee }),
        ts: f.ts,
      }),
    ),
    ...settlements.map(
      (s): LedgerEntry => ({
        kind: 'settlement',
        ticker: s.ticker,
        eventTicker: s.eventTicker,
        value: s.value,
        fee: s.fee,
        ts: s.ts,
      }),
    ),
  ];
}

export async function buildDayReport(
  reader: PnlRecordReader,
  day: string,
  o: {
    dayOf: (ms: number) => string;
    sportOf: (eventTicker: string) => string;
    /** Theo (probability of YES) of a market now; absent or null: unpriced. */
    theoOf?: (ticker: string) => number | null;
    /** The calibration covers the trading days from this one to `day` (default `day` alone). */
    calibrationSince?: string;
    now: number;
  },
): Promise<DayReport> {
  const since = o.calibrationSince ?? day;
  if (since > day) throw new RangeError(`the calibration period starts (${since}) after the day (${day})`);
  const period = daysFrom(since, day);
  if (period.length > MAX_CALIBRATION_DAYS)
    throw new RangeError(`the calibration period is ${period.length} days (at most ${MAX_CALIBRATION_DAYS})`);
  // A fill just either side of the day boundary may be indexed under the neighbouring day.
  const lists = await Promise.all([shift(day, -1), day, shift(day, 1)].map((d) => reader.games(d)));
  const games = [...new Set(lists.flat())].sort();
  const ofTheDay = new Set(lists[1]);
  const realisations = [];
  const open: DayReport['open'] = [];
  let rejected = 0;
  let fills = 0;
  let settlements = 0;
  for (const game of games) {
    const [f, s] = await Promise.all([reader.fills(game), reader.settlements(game)]);
    fills += f.filter((x) => o.dayOf(x.ts) === day).length;
    settlements += s.filter((x) => o.dayOf(x.ts) === day).length;
    const r = realise(ledgerOf(f, s));
    realisations.push(...r.realised);
    rejected += r.rejected.length;
    // Open now; listed for the day's own games only (a neighbour's are in its own day's report).
    const mine = ofTheDay.has(game) ? r.open : [];
    const marks = mine.length > 0 && reader.marks ? await reader.marks(game) : new Map<string, number>();
    const theoOf = (ticker: string) => o.theoOf?.(ticker) ?? marks.get(ticker) ?? null;
    for (const p of mine) {
      const m = markAtTheo([p], theoOf);
      open.push({ ...p, marked: m.unpriced.length > 0 ? null : m.marked });
    }
  }
  const figures = dayPnl(realisations, day, o.dayOf, o.sportOf);
  let calibration: DayCalibration | null = null;
  if (reader.theoStop) {
    // A stop is indexed under its own trading day; the day before the period is read too, as for fills.
    const earlier =
      since === day
        ? []
        : await Promise.all(daysFrom(shift(since, -1), shift(day, -1)).map((d) => reader.games(d)));
    const stopGames = [...new Set([...games, ...earlier.flat()])].sort();
    const inPeriod = new Set(period);
    const stops = (await Promise.all(stopGames.map((g) => reader.theoStop!(g)))).filter(
      (s): s is TheoStop => s !== null && inPeriod.has(o.dayOf(s.stopAtMs)),
    );
    calibration = calibrationOf(stops);
  }
  return {
    ...figures,
    generatedAt: o.now,
    counts: { fills, settlements, games: figures.byGame.length },
    open,
    marked: open.reduce((sum, p) => sum + (p.marked ?? 0), 0),
    unpriced: open.filter((p) => p.marked === null).length,
    rejected,
    calibration,
    calibrationPeriod: { from: since, to: day },
  };
}

/**
 * A game's markets at theo from the store: the current theo record (the theo the session quotes
 * on), else — once that has expired or was never mapped — the theo at the game's stop
 * (THEOSTOP#). Markets with neither are left out.
 */
export async function storeMarks(
  store: TheoLookupStores & Partial<Pick<Store, 'theoStops'>>,
  eventTicker: string,
): Promise<Map<string, number>> {
  const theos = await readGameTheos(store, eventTicker);
  const out = new Map(theos?.theo ?? []);
  // Every market priced by the current theo: the stop record is not read.
  const complete = theos !== null && theos.theo.size >= theos.markets;
  const stop = store.theoStops && !complete ? await store.theoStops.get(eventTicker) : null;
  for (const m of stop?.markets ?? []) if (m.theo !== null && !out.has(m.ticker)) out.set(m.ticker, m.theo);
  return out;
}

/** The record reader over a store; a store without the PnL tables cannot report. */
export function storeRecordReader(
  store: Pick<Store, 'fills' | 'settlements' | 'gameDays' | 'theoStops'> &
    Partial<Pick<Store, 'theos' | 'mapping'>>,
): PnlRecordReader {
  const { settlements, gameDays, theoStops } = store;
  if (!settlements || !gameDays) throw new Error('this store keeps no settlements or day index');
  return {
    games: (day) => gameDays.games(day),
    fills: (game) => store.fills.listByGame(game),
    settlements: (game) => settlements.listByGame(game),
    ...(theoStops ? { theoStop: (game: string) => theoStops.get(game) } : {}),
    marks: (game) => storeMarks(store, game),
  };
}

/** The sport of a game from its series (the catalogue's id), or "unknown". */
export const sportOfGame = (eventTicker: string): string =>
  sportOfSeries(DEFAULT_SPORT_CATALOGUE, seriesOf(eventTicker))?.id ?? 'unknown';
