import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { computeGameStrikeTheo, type StrikeQuery, strikeTheo } from '../../../shared/pricing/strike-theo.ts';
import {
  pricedGameFromRecord,
  StrikeTheoStore,
  strikeTheoRecordFromGame,
} from '../../../shared/store/strike-theos.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let db: LocalDynamo;
let store: StrikeTheoStore;
beforeAll(async () => {
  db = await startDynalite();
  store = new StrikeTheoStore({ doc: db.doc, tableName: db.tableName });
});
afterAll(async () => {
  await db.close();
});

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/odds/${name}`, import.meta.url), 'utf8')) as unknown;
const events = (read('basketball_nba_odds_h2h_spreads_totals_decimal.json') as unknown[]).map((e) =>
  EventOddsSchema.parse(e),
);
const alternates = EventOddsSchema.parse(read('basketball_nba_event_odds_alternates.json'));
const AS_OF = Date.parse('2026-01-20T18:05:00Z');
const input = { asOf: AS_OF, oddsFormat: 'decimal' as const };

/** Every half-point and integer strike, both directions, over a wide range of each kind. */
function queries(): StrikeQuery[] {
  const out: StrikeQuery[] = [];
  for (let t = -30; t <= 30; t += 0.5)
    for (const direction of ['over', 'under'] as const) out.push({ kind: 'spread', direction, threshold: t });
  for (let t = 180; t <= 260; t += 0.5)
    for (const direction of ['over', 'under'] as const) out.push({ kind: 'total', direction, threshold: t });
  return out;
}

describe('StrikeTheoStore: a game margin/total fit beside its winner theo', () => {
  it('prices every strike from the stored record exactly as from the fit itself', async () => {
    // The alternates fixture is the first game again, with its ladder: a later fit of it.
    for (const [i, event] of [...events, alternates].entries()) {
      const asOf = AS_OF + i;
      const game = computeGameStrikeTheo(event, input);
      const record = strikeTheoRecordFromGame(game, {
        commenceTime: Date.parse(event.commence_time as string),
        asOf,
        source: 'poll',
      });
      expect(await store.put(record)).toEqual({ written: true });
      const stored = await store.get(event.id);
      expect(stored).toEqual(record);
      const rebuilt = pricedGameFromRecord(stored!);
      for (const q of queries()) expect(strikeTheo(rebuilt, q)).toEqual(strikeTheo(game, q));
    }
    const many = await store.getMany([events[0]!.id, events[1]!.id, 'no-such-game']);
    expect([...many.keys()].sort()).toEqual([events[0]!.id, events[1]!.id].sort());
    expect(many.get(alternates.id)!.asOf).toBe(AS_OF + events.length);
  });

  it('keeps an NFL fit’s key-number weights: a strike across a key number is priced from the record as from the fit', async () => {
    const nfl = (read('americanfootball_nfl_odds_h2h_spreads_totals_american.json') as unknown[]).map((e) =>
      EventOddsSchema.parse(e),
    );
    for (const event of nfl) {
      const game = computeGameStrikeTheo(event, { asOf: AS_OF, oddsFormat: 'american' });
      if (!game.margin.ok) throw new Error(game.margin.detail);
      expect(game.margin.distribution.keys?.length).toBeGreaterThan(0);
      const record = strikeTheoRecordFromGame(game, {
        commenceTime: Date.parse(event.commence_time as string),
        asOf: AS_OF,
        source: 'poll',
      });
      await store.put(record);
      const rebuilt = pricedGameFromRecord((await store.get(event.id))!);
      for (const q of queries().filter((x) => x.kind === 'spread')) {
        const t = strikeTheo(rebuilt, q);
        expect(t).toEqual(strikeTheo(game, q));
        expect(t.ok, `${q.direction} ${q.threshold}`).toBe(true);
      }
    }
  });

  it('stores a refused fit as its reason, and every strike of that kind is refused from the record', async () => {
    const noLines = EventOddsSchema.parse({
      ...events[1]!,
      id: 'no-lines-game',
      bookmakers: events[1]!.bookmakers.map((b) => ({
        ...b,
        markets: b.markets.filter((m) => m.key === 'h2h'),
      })),
    });
    const game = computeGameStrikeTheo(noLines, input);
    expect(game.margin.ok).toBe(false);
    const record = strikeTheoRecordFromGame(game, {
      commenceTime: Date.parse(noLines.commence_time as string),
      asOf: AS_OF,
      source: 'poll',
    });
    await store.put(record);
    const stored = (await store.get('no-lines-game'))!;
    expect(stored.margin).toMatchObject({ ok: false, reason: 'no-lines' });
    expect(stored.total).toMatchObject({ ok: false });
    const t = strikeTheo(pricedGameFromRecord(stored), { kind: 'spread', direction: 'over', threshold: 3.5 });
    expect(t).toMatchObject({ ok: false, reason: 'no-lines' });
  });

  it('never rolls a fit back: a record observed earlier than the stored one is not written', async () => {
    const event = events[4]!;
    const game = computeGameStrikeTheo(event, input);
    const at = (asOf: number) =>
      strikeTheoRecordFromGame(game, {
        commenceTime: Date.parse(event.commence_time as string),
        asOf,
        source: 'poll',
      });
    expect(await store.put(at(AS_OF + 60_000))).toEqual({ written: true });
    expect(await store.put(at(AS_OF))).toEqual({ written: false, reason: 'not-newer' });
    expect(await store.put(at(AS_OF + 60_000))).toEqual({ written: false, reason: 'not-newer' });
    expect((await store.get(event.id))!.asOf).toBe(AS_OF + 60_000);
    expect(await store.put(at(AS_OF + 120_000))).toEqual({ written: true });
  });

  it('a stored item that does not parse is counted and dropped, never priced', async () => {
    const event = events[5]!;
    const record = strikeTheoRecordFromGame(computeGameStrikeTheo(event, input), {
      commenceTime: Date.parse(event.commence_time as string),
      asOf: AS_OF,
      source: 'poll',
    });
    await db.doc.send(
      new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
        TableName: db.tableName,
        Item: {
          ...record,
          pk: `THEO#${event.id}`,
          sk: 'STRIKES',
          version: AS_OF,
          margin: { ok: true, distribution: { mean: 'x', sd: -1, noTies: true } },
        },
      }),
    );
    const before = store.stats.dropped;
    expect(await store.get(event.id)).toBeNull();
    expect(store.stats.dropped).toBe(before + 1);
  });
});

describe("the engine's strikeTheos port over the store", () => {
  it('reads the stored fits of the games asked for; an absent game is simply absent', async () => {
    const { storeStrikeTheoSource } = await import('../../../worker/engine/adapters/store.ts');
    const event = events[0]!;
    await store.put(
      strikeTheoRecordFromGame(computeGameStrikeTheo(event, input), {
        commenceTime: Date.parse(event.commence_time as string),
        asOf: AS_OF + 3_600_000,
        source: 'poll',
      }),
    );
    const port = storeStrikeTheoSource(store);
    const read = await port.read([events[0]!.id, 'no-such-game']);
    expect(read.map((r) => r.eventId)).toEqual([events[0]!.id]);
    expect(read[0]!.margin.ok).toBe(true);
  });
});
