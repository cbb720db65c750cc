/**
 * A game's strike theo as data: the zod schema of what is stored beside the
 * winner theo (shared/store/strike-theos.ts) and read by the worker, the
 * record of a fit (strike-theo.ts), and what `strikeTheo`/`ladderTheos` price
 * from, rebuilt from a record. Pure (no store, no SDK): the engine core reads
 * records through a port.
 *
 * The schema is built on first use (`z.lazy` memoises it): only the ladder
 * path parses a record, and building it at import was part of every odds
 * Lambda's cold start (issue #16).
 */
import * as z from 'zod';
import { LINE_MARKET_KEYS } from '../odds/lines.ts';
import type { IntegerNormal } from './margin-model.ts';
import type { GameStrikeTheo, KindResult, PricedStrikeGame } from './strike-theo.ts';

/** Built once, on the first call: the record schema shares one instance of each part, as before. */
const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};

const normalSchema = once(() =>
  z.object({
    mean: z.number().finite(),
    sd: z.number().positive().finite(),
    noTies: z.boolean(),
    /** key-number weights (key-margin.ts); absent: the plain integer normal */
    keys: z
      .array(z.object({ at: z.number().int().positive(), weight: z.number().positive().finite() }))
      .max(40)
      // A key number twice would count its excess twice in the normaliser and once in the mass: P(X > s)
      // would no longer be monotone in the strike. Our writer never repeats one; a record that does is refused.
      .refine((ks) => new Set(ks.map((k) => k.at)).size === ks.length, {
        message: 'each key number at most once',
      })
      .optional(),
  }),
);

const curveSchema = once(() =>
  z.object({
    model: normalSchema(),
    knots: z.array(z.object({ at: z.number().finite(), value: z.number().min(0).max(1) })).max(400),
  }),
);

const fitSchema = once(() =>
  z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      distribution: normalSchema(),
      /** the books' consensus curve the strike is priced on (null: the model alone) */
      curve: curveSchema().nullable(),
      /** a poor model fit the books' dense ladder overruled: its detail */
      shapeOverruled: z.string().nullable(),
    }),
    z.object({ ok: z.literal(false), reason: z.string().min(1), detail: z.string() }),
  ]),
);
export type StoredFit = z.infer<ReturnType<typeof fitSchema>>;

const usedLineSchema = once(() =>
  z.object({
    book: z.string().min(1),
    marketKey: z.enum(LINE_MARKET_KEYS),
    kind: z.enum(['spread', 'total']),
    strike: z.number().finite(),
    probability: z.number().gt(0).lt(1),
    weight: z.number().positive(),
  }),
);

/** At most this many dropped lines are kept with their detail (the count is always whole). */
export const MAX_DROPPED_KEPT = 40;

const buildStrikeTheoRecordSchema = () =>
  z.object({
    eventId: z.string().min(1),
    sportKey: z.string().min(1),
    homeTeam: z.string().min(1),
    awayTeam: z.string().min(1),
    /** Odds feed commence time, epoch ms. */
    commenceTime: z.number().int().nonnegative(),
    /** Version: when the fit was computed from the odds, epoch ms. */
    asOf: z.number().int().nonnegative(),
    source: z.enum(['poll', 'refresh', 'manual']),
    /** P(home wins) of the two-way winner theo the margin was fitted around; null without one */
    winnerProbability: z.number().gt(0).lt(1).nullable(),
    /** |P(margin > 0) − winner theo| as priced */
    winnerError: z.number().nonnegative().nullable(),
    margin: fitSchema(),
    total: fitSchema(),
    lines: z.array(usedLineSchema()).max(1000),
    dropped: z
      .array(
        z.object({
          book: z.string(),
          marketKey: z.string(),
          strike: z.number().nullable(),
          reason: z.string().min(1),
          detail: z.string(),
        }),
      )
      .max(MAX_DROPPED_KEPT),
    droppedCount: z.number().int().nonnegative(),
  });
export const strikeTheoRecordSchema = z.lazy(buildStrikeTheoRecordSchema);
export type StrikeTheoRecord = z.infer<typeof strikeTheoRecordSchema>;

/** A distribution as stored: its own copy, key weights included. */
function storedModel(d: IntegerNormal): z.infer<ReturnType<typeof normalSchema>> {
  return {
    mean: d.mean,
    sd: d.sd,
    noTies: d.noTies,
    ...(d.keys ? { keys: d.keys.map((k) => ({ at: k.at, weight: k.weight })) } : {}),
  };
}

function storedFit(
  fit: KindResult,
  curve: GameStrikeTheo['marginCurve'],
  overruled: string | null,
): StoredFit {
  if (!fit.ok) return { ok: false, reason: fit.reason, detail: fit.detail.slice(0, 500) };
  return {
    ok: true,
    distribution: storedModel(fit.distribution),
    curve: curve ? { model: storedModel(curve.model), knots: curve.knots.map((k) => ({ ...k })) } : null,
    shapeOverruled: overruled,
  };
}

/** The record of one game's fit (shared/pricing/strike-theo.ts); times in epoch ms. */
export function strikeTheoRecordFromGame(
  game: GameStrikeTheo,
  at: { commenceTime: number; asOf: number; source: StrikeTheoRecord['source'] },
): StrikeTheoRecord {
  const winnerProbability =
    game.winner.kind === 'theo' && !game.winner.threeWay ? game.winner.outcomes[0]!.probability : null;
  return {
    eventId: game.eventId,
    sportKey: game.sportKey,
    homeTeam: game.homeTeam,
    awayTeam: game.awayTeam,
    commenceTime: at.commenceTime,
    asOf: at.asOf,
    source: at.source,
    winnerProbability,
    winnerError: game.winnerError,
    margin: storedFit(game.margin, game.marginCurve, game.shapeOverruled.margin),
    total: storedFit(game.total, game.totalCurve, game.shapeOverruled.total),
    lines: game.lines.used.map((l) => ({
      book: l.book,
      marketKey: l.marketKey,
      kind: l.kind,
      strike: l.strike,
      probability: l.probability,
      weight: l.weight,
    })),
    dropped: game.lines.dropped.slice(0, MAX_DROPPED_KEPT).map((d) => ({
      book: d.book,
      marketKey: d.marketKey,
      strike: d.strike,
      reason: d.reason,
      detail: d.detail.slice(0, 300),
    })),
    droppedCount: game.lines.dropped.length,
  };
}

/** What `strikeTheo`/`ladderTheos` price from, rebuilt from a stored record. */
export function pricedGameFromRecord(record: StrikeTheoRecord): PricedStrikeGame {
  const p = record.winnerProbability;
  const pricedFit = (f: StoredFit): PricedStrikeGame['margin'] =>
    f.ok ? { ok: true, distribution: f.distribution } : { ok: false, reason: f.reason, detail: f.detail };
  return {
    sportKey: record.sportKey,
    winner:
      p === null
        ? { kind: 'no-theo' }
        : { kind: 'theo', outcomes: [{ probability: p }, { probability: 1 - p }] },
    lines: { used: record.lines },
    margin: pricedFit(record.margin),
    total: pricedFit(record.total),
    marginCurve: record.margin.ok ? record.margin.curve : null,
    totalCurve: record.total.ok ? record.total.curve : null,
  };
}
