/**
 * Untrusted input: whatever path and query a client sends, the odds
 * simulator's handler answers with a known status and a JSON body, never
 * throws, and never charges credits for an error.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../../shared/odds/schemas.ts';
import { createOddsApiState, handleOddsRequest } from '../../../sim/odds/api.ts';
import { parseScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const START = Date.parse('2026-01-20T23:00:00Z');
const scenario = parseScenario(
  JSON.parse(readFileSync(new URL('../../../sim/scenarios/epl-draw.json', import.meta.url), 'utf8')),
);
const world = buildWorld(scenario, { startMs: START });

const segment = fc.oneof(
  fc.constantFrom(
    'v4',
    'sports',
    'soccer_epl',
    'basketball_nba',
    'upcoming',
    'events',
    'odds',
    world.games[0]!.oddsEventId,
    '%ZZ',
    '',
  ),
  fc.string({ maxLength: 12 }),
);
const param = fc.tuple(
  fc.constantFrom(
    'apiKey',
    'regions',
    'bookmakers',
    'markets',
    'oddsFormat',
    'dateFormat',
    'eventIds',
    'commenceTimeFrom',
    'commenceTimeTo',
    'all',
    'x',
  ),
  fc.oneof(
    fc.constantFrom(
      KEY,
      'us,uk',
      'eu',
      'h2h',
      'h2h,spreads',
      'player_points',
      'american',
      'unix',
      '2026-01-20T00:00:00Z',
      'pinnacle',
      '',
    ),
    fc.string({ maxLength: 20 }),
  ),
);

describe('odds handler under arbitrary requests', () => {
  it('always answers a known status with JSON, and errors are free', () => {
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 7 }),
        fc.array(param, { maxLength: 6 }),
        fc.boolean(),
        (parts, params, withKey) => {
          const state = createOddsApiState(world, KEY);
          const url = new URL(`http://x/${parts.join('/')}`);
          if (withKey) url.searchParams.set('apiKey', KEY);
          for (const [k, v] of params) url.searchParams.append(k, v);
          const r = handleOddsRequest(state, 'GET', url, START + 5 * 60_000, 0);
          expect([200, 401, 404, 422]).toContain(r.status);
          expect(() => JSON.stringify(r.body)).not.toThrow();
          if (r.status !== 200) {
            expect(ErrorBodySchema.safeParse(r.body).success).toBe(true);
            expect(state.quotaUsed).toBe(scenario.odds.quota.used);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
