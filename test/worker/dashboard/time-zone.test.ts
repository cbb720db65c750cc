/** The zone a game's chart axes show beside UTC: its league's, US Eastern by default. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GAME_ZONE, gameTimeZone } from '../../../worker/dashboard/time-zone.ts';

describe('game time zone', () => {
  it('maps leagues to their home zone and anything else to US Eastern', () => {
    expect(gameTimeZone('nba')).toBe('America/New_York');
    expect(gameTimeZone('soccer_epl')).toBe('Europe/London');
    expect(gameTimeZone('epl')).toBe('Europe/London');
    expect(gameTimeZone('soccer_spain_la_liga')).toBe('Europe/Madrid');
    expect(gameTimeZone('something-new')).toBe(DEFAULT_GAME_ZONE);
  });

  it('every zone it names is one the runtime knows', () => {
    for (const sport of [
      'nba',
      'epl',
      'laliga',
      'bundesliga',
      'serie_a',
      'ligue_1',
      'uefa_champions',
      'mls',
      'npb',
      'afl',
    ]) {
      expect(() => new Intl.DateTimeFormat('en', { timeZone: gameTimeZone(sport) })).not.toThrow();
    }
  });
});
