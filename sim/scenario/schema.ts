/**
 * The scenario file format (JSON, validated here). A scenario is a small world:
 * games with a hidden "true" win probability path, the traders who act on the
 * simulated Kalshi exchange, the bookmakers the Odds API simulator quotes, and
 * a schedule of faults. Times are minutes from the scenario start so a file
 * reads like a run sheet; everything becomes epoch milliseconds at load.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dollarsToMicros, MICROS_PER_DOLLAR, type Micros } from '../../shared/units.ts';
import { SIM_LADDER_SERIES } from '../kalshi/ladder-series.ts';
import { MARGIN_MODELS } from '../odds/margin.ts';

/** A price in dollars on the wire style ("0.03") → Micros, strictly inside [0, 1]. */
const zPrice = z.string().transform((v, ctx) => {
  const m = dollarsToMicros(v);
  if (m === null || m < 0 || m > MICROS_PER_DOLLAR) {
    ctx.addIssue({
      code: 'custom',
      message: `not a dollar price in [0, 1]: ${JSON.stringify(v).slice(0, 20)}`,
    });
    return z.NEVER;
  }
  return m as Micros;
});

/** Kalshi's series fee types the simulator charges (sim/kalshi/fees.ts); `flat` has no formula there. */
export const SERIES_FEE_TYPES = [
  'quadratic',
  'quadratic_with_maker_fees',
  'quadratic_with_combo_maker_fees',
] as const;

const zProbability = z.number().gt(0).lt(1);
/** Scenario minutes: a week either side of the start is plenty, and keeps the truth path's memory bounded. */
const MAX_SCENARIO_MINUTES = 7 * 24 * 60;
const zMinute = z.number().finite().min(-MAX_SCENARIO_MINUTES).max(MAX_SCENARIO_MINUTES);

export const zPriceRange = z
  .object({ start: zPrice, end: zPrice, step: zPrice })
  .refine((r) => r.step > 0 && r.end > r.start && (r.end - r.start) % r.step === 0, {
    message: 'price range needs start < end and a step that divides it',
  });

/** Kalshi's `price_ranges`: the tick grid of a market (1¢ everywhere unless said otherwise). */
export const zTickStructure = z.array(zPriceRange).min(1);

export const zTeam = z.object({
  /** Full name as the Odds API spells it ("Milwaukee Bucks"). */
  name: z.string().min(1),
  /** Kalshi's ticker code ("MIL"). */
  code: z.string().regex(/^[A-Z0-9]{2,8}$/, 'Kalshi team code: 2–8 capitals or digits'),
  /** Short name Kalshi uses in titles ("Milwaukee"); defaults to the full name. */
  short: z.string().min(1).optional(),
});

export const zJump = z.object({
  atMinute: zMinute,
  /**
   * Size of the news in the home team's log-odds against the field (positive
   * favours home). It goes this way with the probability that keeps the truth
   * a martingale, else the other way by as much (see sim/scenario/martingale.ts).
   */
  deltaLogit: z.number().finite(),
  label: z.string().default('news'),
});

export const zTruth = z.object({
  /** Initial probability that the home team wins. */
  home: zProbability,
  /** Initial draw probability (3-way games only). */
  draw: zProbability.optional(),
  /** Diffusion of the home log-odds before the game, per √hour. */
  volatility: z.number().min(0).max(10).default(0.1),
  /** Diffusion once the game is under way, per √hour (scoring moves prices). */
  inGameVolatility: z.number().min(0).max(20).default(1),
  /**
   * Kept for old scenario files: must be 0. The truth is a probability
   * (P(win | p) = p), which a drift would break; model news with `jumps`.
   */
  driftPerHour: z
    .number()
    .finite()
    .default(0)
    .refine((v) => v === 0, 'must be 0: a drifting truth is not a probability (model news with jumps)'),
  jumps: z.array(zJump).default([]),
});

/**
 * Spread and total ladders (issue #17): with a switch on, the game is also
 * listed in its sport's spread/total series (SIM_LADDER_SERIES, sim/kalshi/ladder-series.ts) as a
 * ladder of half-point strikes around the truth's median at open. Off by
 * default, so a scenario without the key runs exactly as before.
 */
export const zLadders = z.object({
  spreads: z.boolean().default(false),
  totals: z.boolean().default(false),
  /** Strikes per ladder (centred on the median; an even count leans to the higher side). */
  strikes: z.number().int().min(1).max(25).default(7),
  /** Points between spread strikes (default per sport, sim/scenario/ladders.ts). */
  spreadStep: z.number().int().positive().max(50).optional(),
  /** Points between total strikes (default per sport). */
  totalStep: z.number().int().positive().max(50).optional(),
  /** The ladder series' `fee_type`: spread/total series are not on Kalshi's maker-fee list (taker-only). */
  feeType: z.enum(SERIES_FEE_TYPES).default('quadratic'),
});

export const zGame = z
  .object({
    /** Short stable id used for seeding and in logs ("mil-bos"). */
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'game id: lowercase letters, digits, dashes'),
    /** League label ("NBA"). */
    league: z.string().min(1),
    /** The Odds API sport key ("basketball_nba"). */
    oddsSportKey: z.string().regex(/^[a-z0-9_]+$/),
    oddsSportTitle: z.string().min(1).optional(),
    /** Kalshi series ticker ("KXNBAGAME"). */
    seriesTicker: z.string().regex(/^[A-Z0-9]+$/),
    /**
     * The series' `fee_type` (reference §7): the big leagues' game-winner series pay maker
     * fees (`quadratic_with_maker_fees`); taker-only `quadratic` otherwise. Games of one
     * series must agree (the first listed creates the series).
     */
    seriesFeeType: z.enum(SERIES_FEE_TYPES).default('quadratic'),
    home: zTeam,
    away: zTeam,
    /** Markets open (minutes from scenario start). */
    openMinute: zMinute.default(0),
    /** Scheduled start (tip-off, kick-off). */
    startMinute: zMinute,
    /** Game length; the market is determined when it ends. */
    // The truth path holds one step per second of the game: a game lasts at most a day.
    durationMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(150),
    /** Determined → settled delay. */
    settleDelayMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(2),
    /** 2 = two teams; 3 = soccer-style with a TIE market. */
    outcomes: z.union([z.literal(2), z.literal(3)]).default(2),
    truth: zTruth,
    /** Per-game override of the scenario's tick structure. */
    tick: zTickStructure.optional(),
    /** Kalshi changes the market's tick grid mid-life (announced on the lifecycle channel). */
    tickChanges: z.array(z.object({ atMinute: zMinute, tick: zTickStructure })).default([]),
    /** The start is moved (announced at `atMinute`, by `byMinutes`; negative = earlier). */
    startDelays: z.array(z.object({ atMinute: zMinute, byMinutes: zMinute })).default([]),
    /** Spread/total ladders of this game (overrides the scenario's `ladders`). */
    ladders: zLadders.optional(),
  })
  .superRefine((g, ctx) => {
    if (g.ladders && (g.ladders.spreads || g.ladders.totals)) {
      const kinds = Object.values(SIM_LADDER_SERIES).filter((s) => s.sportKey === g.oddsSportKey);
      if (g.outcomes === 3)
        ctx.addIssue({ code: 'custom', path: ['ladders'], message: 'ladders need a two-way game' });
      if (g.ladders.spreads && !kinds.some((k) => k.kind === 'spread'))
        ctx.addIssue({
          code: 'custom',
          path: ['ladders', 'spreads'],
          message: `no spread series for ${g.oddsSportKey}`,
        });
      if (g.ladders.totals && !kinds.some((k) => k.kind === 'total'))
        ctx.addIssue({
          code: 'custom',
          path: ['ladders', 'totals'],
          message: `no total series for ${g.oddsSportKey}`,
        });
    }
    g.startDelays.forEach((d, i) => {
      if (d.atMinute >= g.startMinute)
        ctx.addIssue({
          code: 'custom',
          path: ['startDelays', i, 'atMinute'],
          message: 'a start change must be announced before the original start',
        });
    });
    const realStart = g.startMinute + g.startDelays.reduce((t, d) => t + d.byMinutes, 0);
    if (g.startDelays.some((d) => d.atMinute >= realStart) || realStart < g.openMinute)
      ctx.addIssue({
        code: 'custom',
        path: ['startDelays'],
        message: 'a start change must be announced before the game really starts',
      });
    if (g.openMinute > g.startMinute)
      ctx.addIssue({
        code: 'custom',
        path: ['openMinute'],
        message: 'markets must open before the game starts',
      });
    if (g.home.code === g.away.code)
      ctx.addIssue({ code: 'custom', path: ['away', 'code'], message: 'home and away codes must differ' });
    if (g.outcomes === 3 && g.truth.draw === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['truth', 'draw'],
        message: 'a 3-way game needs an initial draw probability',
      });
    if (g.outcomes === 2 && g.truth.draw !== undefined)
      ctx.addIssue({ code: 'custom', path: ['truth', 'draw'], message: 'a 2-way game has no draw' });
    if (g.truth.draw !== undefined && g.truth.home + g.truth.draw >= 1)
      ctx.addIssue({
        code: 'custom',
        path: ['truth', 'draw'],
        message: 'home + draw must leave the away team a chance',
      });
    if (g.outcomes === 3 && (g.home.code === 'TIE' || g.away.code === 'TIE'))
      ctx.addIssue({
        code: 'custom',
        path: ['home', 'code'],
        message: 'TIE is reserved for the draw market',
      });
  });

const zGameFilter = z.array(z.string()).optional();

/** The resting book a quiet Kalshi sports market often shows: 3¢ bid / 97¢ ask. */
export const zStartingBook = z.object({
  bid: zPrice.default(30_000),
  ask: zPrice.default(970_000),
  contracts: z.number().int().positive().default(10),
});

export const zNoiseTaker = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** A: arrivals per minute per market side when the best price sits at the true probability. */
  intensityPerMinute: z.number().positive(),
  /** k: decay per cent of distance δ between the best price and the true probability. */
  decayPerCent: z.number().min(0),
  /**
   * Order size in whole contracts in [min, max]: `uniform`, or `logUniform`
   * (many small tickets, a few large ones, as retail flow looks).
   */
  contracts: z
    .object({
      min: z.number().int().positive(),
      max: z.number().int().positive(),
      distribution: z.enum(['uniform', 'logUniform']).default('uniform'),
    })
    .refine((s) => s.max >= s.min, {
      message: 'contracts.max must be ≥ contracts.min',
    }),
  games: zGameFilter,
  /** Stop trading this many minutes after the game starts (null: until close). */
  untilMinutesAfterStart: z.number().nullable().default(null),
});

export const zInformedTaker = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** Delay after a jump before it trades (uniform in [min, max] ms). */
  reactionMs: z.object({ min: z.number().min(0), max: z.number().min(0) }).default({ min: 200, max: 1500 }),
  /** Takes any price at least this far (cents) on the right side of the new true probability. */
  minEdgeCents: z.number().min(0).default(2),
  /** Contracts per sweep. */
  maxContracts: z.number().int().positive().default(50),
  games: zGameFilter,
});

export const zCompetitor = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** Ceiling = their view of the true probability ± this edge (cents). */
  edgeCents: z.number().min(0),
  contracts: z.number().int().positive().default(10),
  /** How often they look at the book and requote. */
  requoteMs: z.number().int().positive().default(2000),
  /** Their view of the truth lags by this much… */
  lagMs: z.number().int().min(0).default(0),
  /** …and carries this much noise (log-odds sd, redrawn every requote). */
  noiseLogit: z.number().min(0).default(0),
  /** When someone bids past their ceiling: 'sit' at the ceiling behind them, or 'backoff' below it. */
  whenOutbid: z.enum(['sit', 'backoff']).default('sit'),
  backoffCents: z.number().min(0).default(3),
  games: zGameFilter,
  /** Minutes (relative to game start) they join and leave; they pull before start by default. */
  fromMinuteBeforeStart: z.number().min(0).nullable().default(null),
  pullMinutesBeforeStart: z.number().nullable().default(1),
});

export const zTraders = z.object({
  startingBook: zStartingBook.nullable().prefault({}),
  noiseTakers: z.array(zNoiseTaker).default([]),
  informedTakers: z.array(zInformedTaker).default([]),
  competitors: z.array(zCompetitor).default([]),
});

export const zBookmaker = z.object({
  key: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string().min(1),
  region: z.enum(['us', 'us2', 'uk', 'eu', 'au', 'us_ex']),
  /** Overround: the implied probabilities sum to 1 + vig. */
  vig: z.number().min(0).max(0.3),
  /** Error of the book's view of the truth (log-odds sd, redrawn each update). */
  noiseLogit: z.number().min(0).default(0),
  /** The book's line reflects the truth as of this many seconds ago. */
  lagSeconds: z.number().min(0).default(0),
  /** How often the book moves its line. */
  updateEverySeconds: z.number().positive().default(60),
  /** From this minute on the book stops updating (its last_update goes stale). */
  staleFromMinute: zMinute.nullable().default(null),
  /** Sports it prices (Odds API keys); all if omitted. */
  sports: z.array(z.string()).optional(),
  /** How the book spreads its vig over the outcomes (sim/odds/margin.ts); an assumption, not a fact. */
  margin: z.enum(MARGIN_MODELS).default('proportional'),
});

export const ODDS_FAULTS = ['outage', 'rateLimit', 'slow', 'quotaExhausted'] as const;
export type OddsFaultName = (typeof ODDS_FAULTS)[number];

export const zFault = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('odds'),
    name: z.enum(ODDS_FAULTS),
    atMinute: zMinute,
    durationMinutes: z.number().positive().nullable().default(null),
    /** e.g. `{ "delayMs": 3000 }` for `slow`. */
    params: z.record(z.string(), z.number()).default({}),
  }),
  z.object({
    target: z.literal('kalshi'),
    /** A fault switch of the Kalshi simulator (`sim/kalshi`), checked against it at run time. */
    name: z.string().min(1),
    atMinute: zMinute,
    durationMinutes: z.number().positive().nullable().default(null),
    params: z.record(z.string(), z.number()).default({}),
  }),
]);

/** A run-time fault command (one JSON line on the simulator's stdin). */
export const zFaultCommand = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('odds'),
    name: z.enum(ODDS_FAULTS),
    on: z.boolean(),
    params: z.record(z.string(), z.number()).default({}),
  }),
  z.object({
    target: z.literal('kalshi'),
    name: z.string().min(1),
    on: z.boolean(),
    params: z.record(z.string(), z.number()).default({}),
  }),
]);

export const zOddsConfig = z.object({
  /** Credits per month and already used when the run starts. */
  quota: z
    .object({ limit: z.number().int().positive().default(20_000), used: z.number().int().min(0).default(0) })
    .prefault({}),

  /** Requests per wall-clock second before 429 EXCEEDED_FREQ_LIMIT. */
  maxRequestsPerSecond: z.number().int().positive().default(30),
});

/** 1¢ ticks across the whole range, in Micros. */
export const DEFAULT_TICKS: PriceRange[] = [{ start: 0, end: MICROS_PER_DOLLAR, step: 10_000 }];

export const zScenario = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    /** Scenario start; omitted = the wall-clock time the run starts (minute-aligned). */
    start: z.iso.datetime({ offset: true }).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    /** The run ends (runner stops) at this minute; defaults to the last settlement. */
    endMinute: zMinute.optional(),
    tick: zTickStructure.default(DEFAULT_TICKS),
    games: z.array(zGame).min(1),
    traders: zTraders.prefault({}),
    bookmakers: z.array(zBookmaker).min(1),
    odds: zOddsConfig.prefault({}),
    faults: z.array(zFault).default([]),
    /** Spread/total ladders for every game whose sport has the series (a game's own `ladders` wins). */
    ladders: zLadders.optional(),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.games.forEach((g, i) => {
      if (ids.has(g.id))
        ctx.addIssue({ code: 'custom', path: ['games', i, 'id'], message: `duplicate game id ${g.id}` });
      ids.add(g.id);
    });
    const traderNames = [...s.traders.noiseTakers, ...s.traders.informedTakers, ...s.traders.competitors].map(
      (t) => t.name,
    );
    if (new Set(traderNames).size !== traderNames.length)
      ctx.addIssue({ code: 'custom', path: ['traders'], message: 'trader names must be unique' });
    const lists = [
      ...s.traders.noiseTakers.map((t, i) => ['noiseTakers', i, t.games] as const),
      ...s.traders.informedTakers.map((t, i) => ['informedTakers', i, t.games] as const),
      ...s.traders.competitors.map((t, i) => ['competitors', i, t.games] as const),
    ];
    for (const [kind, i, games] of lists)
      for (const g of games ?? [])
        if (!ids.has(g))
          ctx.addIssue({ code: 'custom', path: ['traders', kind, i, 'games'], message: `unknown game ${g}` });
    const feeTypes = new Map<string, string>();
    s.games.forEach((g, i) => {
      const seen = feeTypes.get(g.seriesTicker);
      if (seen !== undefined && seen !== g.seriesFeeType)
        ctx.addIssue({
          code: 'custom',
          path: ['games', i, 'seriesFeeType'],
          message: `series ${g.seriesTicker} is ${seen} in an earlier game`,
        });
      feeTypes.set(g.seriesTicker, g.seriesFeeType);
    });
    const books = new Set<string>();
    s.bookmakers.forEach((b, i) => {
      if (books.has(b.key))
        ctx.addIssue({
          code: 'custom',
          path: ['bookmakers', i, 'key'],
          message: `duplicate bookmaker ${b.key}`,
        });
      books.add(b.key);
    });
  });

export type ScenarioInput = z.input<typeof zScenario>;
export type Scenario = z.infer<typeof zScenario>;
export type Game = z.infer<typeof zGame>;
export type Team = z.infer<typeof zTeam>;
export type Truth = z.infer<typeof zTruth>;
export type PriceRange = z.infer<typeof zPriceRange>;
export type NoiseTakerConfig = z.infer<typeof zNoiseTaker>;
export type InformedTakerConfig = z.infer<typeof zInformedTaker>;
export type CompetitorConfig = z.infer<typeof zCompetitor>;
export type StartingBookConfig = z.infer<typeof zStartingBook>;
export type BookmakerConfig = z.infer<typeof zBookmaker>;
export type FaultConfig = z.infer<typeof zFault>;
export type LaddersConfig = z.infer<typeof zLadders>;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Validates a parsed JSON value; errors name the field path. */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const r = zScenario.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.slice(0, 10).map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`${source} is not a valid scenario:\n${lines.join('\n')}`);
  }
  return r.data;
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${path} is not JSON: ${(e as Error).message}`);
  }
  return parseScenario(json, path);
}

/** Scenario start in epoch ms: the file's `start`, or `now` rounded down to the minute. */
export function scenarioStartMs(s: Scenario, now: number): number {
  return s.start ? Date.parse(s.start) : Math.floor(now / 60_000) * 60_000;
}

export const MS_PER_MINUTE = 60_000;
