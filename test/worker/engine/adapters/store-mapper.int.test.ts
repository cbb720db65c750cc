/**
 * The worker's game mapper over stored theos: a tournament-keyed sport (ATP)
 * sees the theos of every tournament the odds poll found active, not only the
 * configured key's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../../shared/mapping/match.ts';
import type { TheoRecord } from '../../../../shared/store/index.ts';
import { StoreGameMapper } from '../../../../worker/engine/adapters/store.ts';
import type { ListedEvent } from '../../../../worker/engine/ports.ts';
import { store, useLocalStorePerTest } from '../../../support/local-store.ts';

const NOW = Date.parse('2026-01-20T08:00:00Z');
useLocalStorePerTest();

function theo(eventId: string, sportKey: string, home: string, away: string, startMs: number): TheoRecord {
  return {
    eventId,
    sportKey,
    homeTeam: home,
    awayTeam: away,
    commenceTime: startMs,
    outcomes: [
      { name: home, probability: 0.6 },
      { name: away, probability: 0.4 },
    ],
    method: 'test',
    booksUsed: ['pinnacle'],
    booksDropped: 0,
    asOf: NOW,
    source: 'poll',
  };
}

function atpMatch(code: string, a: string, b: string, startMs: number): ListedEvent {
  return {
    eventTicker: `KXATPMATCH-26JAN20${code}`,
    seriesTicker: 'KXATPMATCH',
    title: `${a} vs ${b}`,
    startMs,
    markets: [
      { ticker: `KXATPMATCH-26JAN20${code}-A`, yesSubTitle: a, status: 'active' },
      { ticker: `KXATPMATCH-26JAN20${code}-B`, yesSubTitle: b, status: 'active' },
    ],
  };
}

describe('StoreGameMapper: tournament-keyed sports', () => {
  const start = NOW + 3_600_000;
  beforeEach(async () => {
    await store.theos.put(
      theo('ev-ao', 'tennis_atp_australian_open', 'Carlos Alcaraz', 'Jannik Sinner', start),
    );
    await store.theos.put(
      theo('ev-doha', 'tennis_atp_qatar_open', 'Daniil Medvedev', 'Andrey Rublev', start),
    );
  });

  it('matches a game of a second concurrent tournament from the stored active keys', async () => {
    await store.activeOddsKeys.put({
      sport: 'atp',
      keys: ['tennis_atp_australian_open', 'tennis_atp_qatar_open'],
      asOf: NOW,
    });
    const mapper = new StoreGameMapper(
      store.theos,
      () => NOW,
      DEFAULT_MAPPING_CONFIG,
      undefined,
      store.activeOddsKeys,
    );
    await mapper.prepare('atp', 'tennis_atp_australian_open');
    const doha = mapper.match('atp', atpMatch('MEDRUB', 'Daniil Medvedev', 'Andrey Rublev', start));
    expect(doha).toMatchObject({ ok: true, oddsEventId: 'ev-doha', oddsSportKey: 'tennis_atp_qatar_open' });
    const ao = mapper.match('atp', atpMatch('ALCSIN', 'Carlos Alcaraz', 'Jannik Sinner', start));
    expect(ao).toMatchObject({ ok: true, oddsEventId: 'ev-ao' });
  });

  it('a stored key of another sport is not a candidate; without the store, the configured key only', async () => {
    await store.theos.put(theo('ev-wta', 'tennis_wta_qatar_open', 'Iga Swiatek', 'Coco Gauff', start));
    await store.activeOddsKeys.put({ sport: 'atp', keys: ['tennis_wta_qatar_open'], asOf: NOW });
    const mapper = new StoreGameMapper(
      store.theos,
      () => NOW,
      DEFAULT_MAPPING_CONFIG,
      undefined,
      store.activeOddsKeys,
    );
    await mapper.prepare('atp', 'tennis_atp_australian_open');
    expect(mapper.match('atp', atpMatch('SWIGAU', 'Iga Swiatek', 'Coco Gauff', start)).ok).toBe(false);
    // Without the stored list (no store given) only the configured key is read.
    const plain = new StoreGameMapper(store.theos, () => NOW, DEFAULT_MAPPING_CONFIG);
    await plain.prepare('atp', 'tennis_atp_australian_open');
    expect(plain.match('atp', atpMatch('ALCSIN', 'Carlos Alcaraz', 'Jannik Sinner', start)).ok).toBe(true);
    expect(plain.match('atp', atpMatch('MEDRUB', 'Daniil Medvedev', 'Andrey Rublev', start)).ok).toBe(false);
  });
});
