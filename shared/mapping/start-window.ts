/**
 * Picks the one Odds API event, among those naming the same two sides, that is
 * the Kalshi game: by Kalshi's own start time within a tolerance, else by the
 * calendar date in the event ticker. Several in the window (a doubleheader, a
 * tournament's rematch) and none close enough to the start: ambiguous, never
 * the first one.
 */
import { type OddsApiEvent, oddsTimeToMs } from '../odds/schemas.ts';

export interface StartWindowConfig {
  /** with a Kalshi start time: accept Odds API commence times this close */
  startToleranceMs: number;
  /** two candidates in tolerance (doubleheader): the one this close wins if it is the only one */
  exactStartToleranceMs: number;
  /** the time zone of the date in Kalshi event tickers */
  tickerTimeZone: string;
}

export type StartPick =
  | { ok: true; event: OddsApiEvent }
  | {
      ok: false;
      reason: 'no-start-time' | 'start-time-mismatch' | 'ambiguous-event';
      detail: string;
      candidates: string[];
    };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The game date in a Kalshi event ticker (`KXNBAGAME-26NOV14BOSMIL` → "2026-11-14"), or null. */
export function tickerDate(eventTicker: string): string | null {
  const m = /^[A-Z0-9]+-(\d{2})([A-Z]{3})(\d{2})/.exec(eventTicker);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!);
  const day = Number(m[3]);
  if (month < 0 || day < 1 || day > 31) return null;
  return `20${m[1]}-${String(month + 1).padStart(2, '0')}-${m[3]}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** Calendar date ("YYYY-MM-DD") of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  return f.format(ms);
}

export function pickByStart(
  eventTicker: string,
  startTime: number | null | undefined,
  pairMatches: readonly OddsApiEvent[],
  config: StartWindowConfig,
  pairLabel: string,
): StartPick {
  const start = startTime ?? null;
  const date = tickerDate(eventTicker);
  if (start === null && date === null) {
    return {
      ok: false,
      reason: 'no-start-time',
      detail: 'no start time and no date in the event ticker',
      candidates: pairMatches.map((e) => e.id),
    };
  }
  const commence = (e: OddsApiEvent) => oddsTimeToMs(e.commence_time);
  const inWindow = pairMatches.filter((e) =>
    start !== null
      ? Math.abs(commence(e) - start) <= config.startToleranceMs
      : localDate(commence(e), config.tickerTimeZone) === date,
  );
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : 'invalid');
  if (inWindow.length === 0) {
    const want =
      start !== null
        ? `start ${iso(start)} ± ${config.startToleranceMs / 60_000} min`
        : `date ${date} (${config.tickerTimeZone})`;
    return {
      ok: false,
      reason: 'start-time-mismatch',
      detail: `${pairLabel}: Odds API commence ${pairMatches.map((e) => iso(commence(e))).join(', ')} vs Kalshi ${want}`,
      candidates: pairMatches.map((e) => e.id),
    };
  }
  if (inWindow.length === 1) return { ok: true, event: inWindow[0]! };
  const exact =
    start === null
      ? []
      : inWindow.filter((e) => Math.abs(commence(e) - start) <= config.exactStartToleranceMs);
  if (exact.length !== 1) {
    return {
      ok: false,
      reason: 'ambiguous-event',
      detail: `${inWindow.length} ${pairLabel} events in the window (${inWindow.map((e) => iso(commence(e))).join(', ')})`,
      candidates: inWindow.map((e) => e.id),
    };
  }
  return { ok: true, event: exact[0]! };
}
