/**
 * Rules text from Kalshi's REST events reaches the game mapper: a market whose
 * rules say it may settle between 0 and 1 is refused (never quoted), while the
 * same game with plain winner rules maps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../../shared/mapping/match.ts';
import { createStore, type Store } from '../../../../shared/store/index.ts';
import { StoreGameMapper } from '../../../../worker/engine/adapters/store.ts';
import { json } from '../../../shared/kalshi/support.ts';
import { type LocalDynamo, startDynalite } from '../../../support/dynalite.ts';
import { loopbackGateway } from './loopback-gateway.ts';

const NOW = Date.parse('2026-01-20T08:00:00Z');
const START = NOW + 3_600_000;
const WINNER = 'If Carlos Alcaraz wins the match, the market resolves to Yes.';
const FAIR = 'If the match is not completed, the market settles at a fair price determined by Kalshi.';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

let store: Store;
beforeEach(async () => {
  const db: LocalDynamo = await startDynalite();
  cleanups.push(() => db.close());
  store = createStore(db.doc, db.tableName);
  await store.theos.put({
    eventId: 'ev-ao',
    sportKey: 'tennis_atp_australian_open',
    homeTeam: 'Carlos Alcaraz',
    awayTeam: 'Jannik Sinner',
    commenceTime: START,
    outcomes: [
      { name: 'Carlos Alcaraz', probability: 0.55 },
      { name: 'Jannik Sinner', probability: 0.45 },
    ],
    method: 'test',
    booksUsed: ['pinnacle'],
    booksDropped: 0,
    asOf: NOW,
    source: 'poll',
  });
});

/** A Kalshi REST server listing one ATP match whose markets carry `secondary` as rules_secondary. */
async function listed(secondary: string) {
  const ev = 'KXATPMATCH-26JAN20ALCSIN';
  const market = (code: string, name: string) => ({
    ticker: `${ev}-${code}`,
    event_ticker: ev,
    status: 'active',
    yes_sub_title: name,
    rules_primary: WINNER,
    rules_secondary: secondary,
  });
  const { gw } = await loopbackGateway(
    (req, res) => {
      if (req.url.includes('/series/')) return json(res, 404, { error: { code: 'not_found' } });
      if (req.url.includes('/events'))
        return json(res, 200, {
          events: [
            {
              event_ticker: ev,
              series_ticker: 'KXATPMATCH',
              title: 'Alcaraz vs Sinner',
              markets: [market('ALC', 'Carlos Alcaraz'), market('SIN', 'Jannik Sinner')],
            },
          ],
          milestones: [],
          cursor: '',
        });
      return json(res, 404, { error: { code: 'not_found' } });
    },
    cleanups,
    1,
  );
  return gw.listEvents('KXATPMATCH');
}

describe('listed rules reach the mapper', () => {
  it('carries rules_primary + rules_secondary on each listed market', async () => {
    const [ev] = await listed(FAIR);
    expect(ev!.markets.map((m) => m.rules)).toEqual([`${WINNER}\n${FAIR}`, `${WINNER}\n${FAIR}`]);
  });

  it('a market that may settle at a fair price is not mapped (so never quoted); plain rules map', async () => {
    const mapper = new StoreGameMapper(store.theos, () => NOW, DEFAULT_MAPPING_CONFIG);
    await mapper.prepare('atp', 'tennis_atp_australian_open');
    const [fair] = await listed(FAIR);
    const refused = mapper.match('atp', { ...fair!, startMs: START });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/^non-binary-settlement: .*fair price/);
    const [plain] = await listed('');
    expect(mapper.match('atp', { ...plain!, startMs: START })).toMatchObject({
      ok: true,
      oddsEventId: 'ev-ao',
    });
  });
});
