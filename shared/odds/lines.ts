/**
 * The books' spread and total lines (Odds API `spreads`, `totals` and the
 * per-event `alternate_spreads`, `alternate_totals`), one book at a time, each
 * line de-vigged on its own two sides.
 *
 * Every line is stated the same way: "the value is over the strike", where the
 * value is the home team's final margin (home − away) for a spread and the
 * combined points for a total. A home spread of −9 is "home margin > 9"; an
 * away spread of +9 is its other side. `probability` is the book's no-vig
 * P(value > strike | no push): on an integer strike the book refunds a push,
 * so its two prices only split the non-push outcomes.
 *
 * Pure and total: a bad line or market is dropped with a reason, never thrown.
 */
import * as z from 'zod';
import type { OddsFormat } from './aggregate.ts';
import { americanToImplied, type DevigMethod, decimalToImplied, devig } from './devig.ts';
import { type EventOdds, MarketSchema, OutcomeSchema, oddsTimeToMs } from './schemas.ts';

export const LINE_MARKET_KEYS = ['spreads', 'alternate_spreads', 'totals', 'alternate_totals'] as const;
export type LineMarketKey = (typeof LINE_MARKET_KEYS)[number];
export type LineKind = 'spread' | 'total';

export const OVER = 'Over';
export const UNDER = 'Under';

/** A spread/total outcome: the same as any outcome, but `point` is required and finite. */
export const LineOutcomeSchema = OutcomeSchema.extend({ point: z.number().finite() });
export type LineOutcome = z.infer<typeof LineOutcomeSchema>;

/** A spread/total market (main or alternate): every outcome carries its line. */
export const LineMarketSchema = MarketSchema.extend({
  key: z.enum(LINE_MARKET_KEYS),
  outcomes: z.array(LineOutcomeSchema),
});
export type LineMarket = z.infer<typeof LineMarketSchema>;

export function lineKind(key: LineMarketKey): LineKind {
  return key === 'spreads' || key === 'alternate_spreads' ? 'spread' : 'total';
}

export interface BookLine {
  book: string;
  marketKey: LineMarketKey;
  kind: LineKind;
  alternate: boolean;
  /** YES ⇔ value > strike (home margin for a spread, combined points for a total) */
  strike: number;
  /** the book's no-vig P(value > strike | no push) */
  probability: number;
  /** raw implied probabilities of the over side and the under side (with the vig) */
  impliedOver: number;
  impliedUnder: number;
  overround: number;
  /** epoch ms of the line (market stamp, else bookmaker stamp) */
  stampMs: number;
  ageMs: number;
}

export const LINE_DROP_REASONS = [
  'duplicate-book',
  'excluded',
  'invalid-market',
  'duplicate-market',
  'no-timestamp',
  'line-after-as-of',
  'stale',
  'unknown-outcome',
  'unpaired',
  'duplicate-line',
  'invalid-price',
  'placeholder-price',
  'overround-out-of-range',
  'devig-failed',
  /** the book's lines of one kind are not decreasing in the strike */
  'non-monotone',
  /** the book's spread lines imply another margin than its own moneyline */
  'contradicts-moneyline',
  /** the book's total is far from every other book's */
  'total-outlier',
  /** the book has spread lines but no moneyline in the winner theo to check them against */
  'no-moneyline',
  /** under the fit of the other books, this book's lines sit beyond its own vig */
  'off-consensus',
] as const;
export type LineDropReason = (typeof LINE_DROP_REASONS)[number];

export interface DroppedLine {
  book: string;
  marketKey: string;
  /** the line's strike when known (null for a whole market) */
  strike: number | null;
  reason: LineDropReason;
  detail: string;
}

export interface LineReadOptions {
  asOf: number;
  oddsFormat: OddsFormat;
  method: DevigMethod;
  excludedBooks: readonly string[];
  maxLineAgeMs: number;
  futureToleranceMs: number;
  placeholderMaxDecimal: number;
  minOverround: number;
  maxOverround: number;
}

function oddsFormatImplied(price: number, format: OddsFormat): number | null {
  return format === 'american' ? americanToImplied(price) : decimalToImplied(price);
}

function stamp(t: unknown): number | null {
  if (t === undefined || t === null) return null;
  const ms = oddsTimeToMs(t as string | number);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Every spread and total line of an event, per book, de-vigged; the rest
 * dropped with a reason. A main line repeated in the alternates is kept once
 * (the main copy).
 */
export function readBookLines(
  event: EventOdds,
  options: LineReadOptions,
): { lines: BookLine[]; dropped: DroppedLine[] } {
  const lines: BookLine[] = [];
  const dropped: DroppedLine[] = [];
  const seenBooks = new Set<string>();
  const drop = (
    book: string,
    marketKey: string,
    strike: number | null,
    reason: LineDropReason,
    detail: string,
  ) => dropped.push({ book, marketKey, strike, reason, detail });
  const minImplied = 1 / options.placeholderMaxDecimal;

  for (const book of event.bookmakers) {
    const lineMarkets = book.markets.filter((m) => (LINE_MARKET_KEYS as readonly string[]).includes(m.key));
    if (lineMarkets.length === 0) continue;
    if (seenBooks.has(book.key)) {
      drop(book.key, '*', null, 'duplicate-book', 'bookmaker listed more than once');
      continue;
    }
    seenBooks.add(book.key);
    if (options.excludedBooks.includes(book.key)) {
      drop(book.key, '*', null, 'excluded', 'excluded by config');
      continue;
    }
    const seenKeys = new Set<string>();
    // Main markets first, so a main line repeated in the alternates keeps its main copy.
    const ordered = [...lineMarkets].sort(
      (a, b) => Number(a.key.startsWith('alternate_')) - Number(b.key.startsWith('alternate_')),
    );
    const strikesSeen = new Set<string>();
    for (const raw of ordered) {
      if (seenKeys.has(raw.key)) {
        drop(book.key, raw.key, null, 'duplicate-market', `${raw.key} listed more than once`);
        continue;
      }
      seenKeys.add(raw.key);
      const parsed = LineMarketSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        drop(
          book.key,
          raw.key,
          null,
          'invalid-market',
          `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        );
        continue;
      }
      const market = parsed.data;
      const stampMs = stamp(market.last_update) ?? stamp(book.last_update);
      if (stampMs === null) {
        drop(
          book.key,
          market.key,
          null,
          'no-timestamp',
          'neither the market nor the bookmaker has last_update',
        );
        continue;
      }
      const rawAge = options.asOf - stampMs;
      if (rawAge < -options.futureToleranceMs) {
        drop(book.key, market.key, null, 'line-after-as-of', `last_update is after asOf`);
        continue;
      }
      const ageMs = Math.max(0, rawAge);
      if (ageMs > options.maxLineAgeMs) {
        drop(book.key, market.key, null, 'stale', `line is ${Math.round(ageMs / 1000)} s old`);
        continue;
      }
      const kind = lineKind(market.key);
      const pairs = pairOutcomes(event, market, kind);
      for (const d of pairs.dropped) drop(book.key, market.key, d.strike, d.reason, d.detail);
      for (const p of pairs.pairs) {
        const id = `${kind}/${p.strike}`;
        if (strikesSeen.has(id)) continue; // the main copy was kept
        const rOver = oddsFormatImplied(p.overPrice, options.oddsFormat);
        const rUnder = oddsFormatImplied(p.underPrice, options.oddsFormat);
        if (rOver === null || rUnder === null) {
          drop(book.key, market.key, p.strike, 'invalid-price', `prices ${p.overPrice} / ${p.underPrice}`);
          continue;
        }
        if (rOver >= minImplied || rUnder >= minImplied) {
          drop(
            book.key,
            market.key,
            p.strike,
            'placeholder-price',
            `prices ${p.overPrice} / ${p.underPrice}`,
          );
          continue;
        }
        const overround = rOver + rUnder - 1;
        if (overround < options.minOverround || overround > options.maxOverround) {
          drop(
            book.key,
            market.key,
            p.strike,
            'overround-out-of-range',
            `overround ${(overround * 100).toFixed(2)} % outside [${options.minOverround * 100}, ${options.maxOverround * 100}] %`,
          );
          continue;
        }
        const fair = devig([rOver, rUnder], options.method);
        if (!fair.ok) {
          drop(book.key, market.key, p.strike, 'devig-failed', `${fair.reason}: ${fair.detail}`);
          continue;
        }
        strikesSeen.add(id);
        lines.push({
          book: book.key,
          marketKey: market.key,
          kind,
          alternate: market.key.startsWith('alternate_'),
          strike: p.strike,
          probability: fair.probabilities[0]!,
          impliedOver: rOver,
          impliedUnder: rUnder,
          overround,
          stampMs,
          ageMs,
        });
      }
    }
  }
  return { lines, dropped };
}

interface Pair {
  strike: number;
  overPrice: number;
  underPrice: number;
}

/**
 * The two sides of each line. Spreads: the home outcome at point h and the away
 * outcome at −h are "home margin > −h" and its complement. Totals: Over and
 * Under at the same point.
 */
function pairOutcomes(
  event: EventOdds,
  market: LineMarket,
  kind: LineKind,
): { pairs: Pair[]; dropped: { strike: number | null; reason: LineDropReason; detail: string }[] } {
  const overName = kind === 'spread' ? event.home_team : OVER;
  const underName = kind === 'spread' ? event.away_team : UNDER;
  const overs = new Map<number, number>();
  const unders = new Map<number, number>();
  const dropped: { strike: number | null; reason: LineDropReason; detail: string }[] = [];
  const duplicates = new Set<number>();
  for (const o of market.outcomes) {
    // Over side keyed by its strike: home point h → strike −h; Over at t → t.
    const isOver = o.name === overName;
    const isUnder = o.name === underName;
    if (!isOver && !isUnder) {
      dropped.push({ strike: null, reason: 'unknown-outcome', detail: `outcome "${o.name}"` });
      continue;
    }
    const strike = kind === 'spread' ? (isOver ? -o.point : o.point) : o.point;
    const side = isOver ? overs : unders;
    if (side.has(strike)) duplicates.add(strike);
    side.set(strike, o.price);
  }
  const pairs: Pair[] = [];
  const strikes = [...new Set([...overs.keys(), ...unders.keys()])].sort((a, b) => a - b);
  for (const s of strikes) {
    if (duplicates.has(s)) {
      dropped.push({ strike: s, reason: 'duplicate-line', detail: `line ${s} listed twice` });
      continue;
    }
    const over = overs.get(s);
    const under = unders.get(s);
    if (over === undefined || under === undefined) {
      dropped.push({
        strike: s,
        reason: 'unpaired',
        detail: `only the ${over === undefined ? underName : overName} side of ${s} is priced`,
      });
      continue;
    }
    pairs.push({ strike: s === 0 ? 0 : s, overPrice: over, underPrice: under });
  }
  return { pairs, dropped };
}
