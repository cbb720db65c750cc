/**
 * What a simulated bookmaker quotes for a game at a given scenario time: the
 * true probability as of its lag, seen through its own noise, marked up by its
 * vig, moved only at its own update times (and never again once it goes
 * stale). Pure: the same inputs always give the same line.
 */
import { Rng } from '../scenario/rng.ts';
import type { BookmakerConfig } from '../scenario/schema.ts';
import type { Outcome } from '../scenario/truth.ts';
import type { SimGame } from '../scenario/world.ts';
import { applyMargin } from './margin.ts';

export interface BookLine {
  /** When the book last moved this line (epoch ms). */
  lastUpdateMs: number;
  /** Decimal prices per outcome (draw only on 3-way games). */
  prices: Partial<Record<Outcome, number>>;
}

function clampLogit(x: number): number {
  return Math.max(-9, Math.min(9, x));
}

/** Decimal odds with the book's margin, to 2 decimals, never at or below the 1.01 placeholder. */
export function decimalPrice(probability: number, vig: number): number {
  return decimalOfImplied(probability * (1 + vig));
}

/** Decimal odds of an implied probability, to 2 decimals, never at or below the 1.01 placeholder. */
function decimalOfImplied(implied: number): number {
  const price = Math.round((1 / implied) * 100) / 100;
  return Math.max(1.02, price);
}

/** Decimal → American (integers, e.g. 240 or -303). */
export function americanPrice(decimal: number): number {
  if (decimal >= 2) return Math.round((decimal - 1) * 100);
  return -Math.round(100 / (decimal - 1));
}

export function quotesSport(book: BookmakerConfig, sportKey: string): boolean {
  return book.sports === undefined || book.sports.includes(sportKey);
}

/** The book's line at scenario time `nowMs`, or null when it does not price this game (yet). */
export function bookLine(
  book: BookmakerConfig,
  sim: SimGame,
  nowMs: number,
  seed: number,
  scenarioStartMs: number,
): BookLine | null {
  if (!quotesSport(book, sim.game.oddsSportKey)) return null;
  const { openMs } = sim.path.times;
  if (nowMs < openMs) return null;
  const period = Math.max(1000, Math.round(book.updateEverySeconds * 1000));
  // Each book moves on its own phase, so books do not all update in the same instant.
  const phase = Math.floor(Rng.derive(seed, `phase/${book.key}/${sim.game.id}`).next() * period);
  let asOf = nowMs;
  if (book.staleFromMinute !== null)
    asOf = Math.min(asOf, scenarioStartMs + Math.round(book.staleFromMinute * 60_000));
  const n = Math.floor((asOf - openMs - phase) / period);
  const lastUpdateMs = n < 0 ? openMs : openMs + phase + n * period;
  const truth = sim.path.at(lastUpdateMs - Math.round(book.lagSeconds * 1000));
  const noise = Rng.derive(seed, `line/${book.key}/${sim.game.id}/${lastUpdateMs}`);
  const eps = book.noiseLogit;
  if (truth.draw === undefined) {
    const h = clampLogit(Math.log(truth.home / truth.away) + eps * noise.normal());
    const home = 1 / (1 + Math.exp(-h));
    const [ih, ia] = applyMargin([home, 1 - home], book.vig, book.margin) as [number, number];
    return { lastUpdateMs, prices: { home: decimalOfImplied(ih), away: decimalOfImplied(ia) } };
  }
  const h = clampLogit(Math.log(truth.home / truth.away) + eps * noise.normal());
  const d = clampLogit(Math.log(truth.draw / truth.away) + eps * noise.normal());
  const z = 1 + Math.exp(h) + Math.exp(d);
  const [ih, ia, id] = applyMargin([Math.exp(h) / z, 1 / z, Math.exp(d) / z], book.vig, book.margin) as [
    number,
    number,
    number,
  ];
  return {
    lastUpdateMs,
    prices: { home: decimalOfImplied(ih), away: decimalOfImplied(ia), draw: decimalOfImplied(id) },
  };
}
