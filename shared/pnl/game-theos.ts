/**
 * A Kalshi game's markets priced from the stored theo record (THEO#, found through the game's
 * mapping to its odds event): our theo, Pinnacle's no-vig probability alone and the plain
 * (unweighted) average of the used books' no-vig probabilities — per market ticker, probability of
 * YES. A market whose outcome the record does not price, or a reference the record does not keep
 * (records written before `bookFair`, a theo without Pinnacle), is left out: never guessed.
 */
import type { EventMapping } from '../store/mapping.ts';
import type { TheoRecord } from '../store/theos.ts';

export const PINNACLE = 'pinnacle';

export interface GameTheos {
  /** The game's markets in its mapping. */
  markets: number;
  theo: Map<string, number>;
  pinnacle: Map<string, number>;
  average: Map<string, number>;
}

export function gameTheosOf(mapping: EventMapping, record: TheoRecord): GameTheos {
  const out: GameTheos = {
    markets: mapping.markets.length,
    theo: new Map(),
    pinnacle: new Map(),
    average: new Map(),
  };
  const index = new Map(record.outcomes.map((o, i) => [o.name, i]));
  const books = (record.bookFair ?? []).filter((b) => b.probabilities.length === record.outcomes.length);
  const pinnacle = books.find((b) => b.key === PINNACLE);
  for (const m of mapping.markets) {
    const i = index.get(m.outcome);
    if (i === undefined) continue;
    out.theo.set(m.ticker, record.outcomes[i]!.probability);
    if (pinnacle) out.pinnacle.set(m.ticker, pinnacle.probabilities[i]!);
    if (books.length > 0)
      out.average.set(m.ticker, books.reduce((s, b) => s + b.probabilities[i]!, 0) / books.length);
  }
  return out;
}

export interface TheoLookupStores {
  mapping?: { get(eventTicker: string): Promise<EventMapping | null> };
  theos?: { get(eventId: string): Promise<TheoRecord | null> };
}

/** The game's theos from the store; null when the game has no mapping or its theo has expired. */
export async function readGameTheos(store: TheoLookupStores, eventTicker: string): Promise<GameTheos | null> {
  if (!store.mapping || !store.theos) return null;
  const mapping = await store.mapping.get(eventTicker);
  const record = mapping ? await store.theos.get(mapping.oddsEventId) : null;
  return mapping && record ? gameTheosOf(mapping, record) : null;
}
