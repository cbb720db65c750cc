/**
 * The synthetic exchange every loopback benchmark trades against: `games`
 * two-team games (2 markets each) on one NBA-like series, books seeded by a
 * "street" account, and a delta driver whose frames mostly touch deep levels
 * (no quote change) and, for a fixed share, move the top of book (a quote
 * change for us). Shared by the simulator child and the worker child so both
 * sides agree on tickers without a discovery round-trip.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Centis, Micros } from '../shared/units.ts';

export const SERIES = 'KXNBAGAME';
export const ODDS_SPORT = 'basketball_nba';
export const STREET = 'street';
export const MAKER = 'maker';
export const KEY_ID = 'bench-maker-key';

export interface GameDef {
  eventTicker: string;
  home: string;
  away: string;
  markets: [string, string];
}

export function games(n: number): GameDef[] {
  const out: GameDef[] = [];
  for (let g = 0; g < n; g++) {
    const eventTicker = `${SERIES}-26DEC01G${String(g).padStart(5, '0')}`;
    out.push({
      eventTicker,
      home: `Home${g}`,
      away: `Away${g}`,
      markets: [`${eventTicker}-H`, `${eventTicker}-A`],
    });
  }
  return out;
}

export function rsaKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

const CENT: Micros = 10_000;
/** Street book around 50¢: bids 40–44¢, asks 56–60¢, 100 contracts each. */
export const SEED_BIDS: Micros[] = [40, 41, 42, 43, 44].map((c) => c * CENT);
export const SEED_ASKS: Micros[] = [56, 57, 58, 59, 60].map((c) => c * CENT);
export const SEED_SIZE: Centis = 10_000;

/** One step of the delta driver: place or cancel a street order. */
export interface DriverStep {
  market: number;
  side: 'bid' | 'ask';
  price: Micros;
  /** true: a taker trade against our quote (a quote change for the maker). */
  top: boolean;
}

/**
 * Deterministic step sequence. Every `topEvery`-th step is a street taker
 * (1 contract, immediate-or-cancel, limit 45¢ sell / 55¢ buy) that trades
 * against our quote at the top: the fill changes our inventory and so our
 * quote. The others place or cancel street orders on deep levels
 * (30–39¢ / 61–70¢): the book changes, our quote does not.
 */
export function driverStep(k: number, markets: number, topEvery: number): DriverStep {
  const market = k % markets;
  const round = Math.floor(k / markets);
  const side: 'bid' | 'ask' = round % 2 === 0 ? 'bid' : 'ask';
  if (k % topEvery === 0) return { market, side, price: side === 'bid' ? 45 * CENT : 55 * CENT, top: true };
  const depth = (round >> 1) % 10;
  return { market, side, price: side === 'bid' ? (30 + depth) * CENT : (61 + depth) * CENT, top: false };
}
