/**
 * The engine's store-backed ports over shared/store (DynamoDB; dynalite or the
 * in-memory table in paper mode): theos, kill/pause flags, the audit trail,
 * and game mapping from the odds events the theo records describe.
 */

import {
  DEFAULT_MAPPING_CONFIG,
  type MappingConfig,
  matchKalshiGame,
} from '../../../shared/mapping/match.ts';
import { acceptsOddsKey } from '../../../shared/mapping/sports.ts';
import { DRAW } from '../../../shared/odds/aggregate.ts';
import type { OddsApiEvent } from '../../../shared/odds/schemas.ts';
import type { FillStore } from '../../../shared/store/fills.ts';
import type { OrderAuditStore, PositionStore } from '../../../shared/store/journal.ts';
import type { KillStore } from '../../../shared/store/kill.ts';
import type { MappingStore } from '../../../shared/store/mapping.ts';
import type { ActiveOddsKeysStore } from '../../../shared/store/odds-keys.ts';
import type { StrikeTheoStore } from '../../../shared/store/strike-theos.ts';
import type { TheoRecord, TheoStore } from '../../../shared/store/theos.ts';
import type {
  ActiveFlag,
  AuditSink,
  GameMapper,
  KillFlagSource,
  ListedEvent,
  MapResult,
  StrikeTheoSource,
  TheoSource,
} from '../ports.ts';

export function theoSnapshotOf(r: TheoRecord) {
  const snap: {
    oddsEventId: string;
    probabilities: Record<string, number>;
    updatedMs: number;
    books: number;
    commenceMs: number;
    dispersion?: number;
    sharpLean?: Record<string, number>;
  } = {
    oddsEventId: r.eventId,
    probabilities: probabilitiesOf(r.outcomes),
    updatedMs: r.asOf,
    books: r.booksUsed.length,
    commenceMs: r.commenceTime,
  };
  // Assigned, not spread in: read for every game every theo poll (the spread and fromEntries were 4× the cost).
  if (r.dispersion !== undefined) snap.dispersion = r.dispersion;
  if (r.sharpLean !== undefined && r.sharpLean.length === r.outcomes.length)
    snap.sharpLean = Object.fromEntries(r.outcomes.map((o, i) => [o.name, r.sharpLean![i]!]));
  return snap;
}

/** Outcome name → probability, as `Object.fromEntries` gives it (the last of a repeated name wins). */
function probabilitiesOf(outcomes: TheoRecord['outcomes']): Record<string, number> {
  const p: Record<string, number> = {};
  for (const o of outcomes) {
    // Assigning `__proto__` would set the prototype, not a key: only fromEntries defines it.
    if (o.name === '__proto__') return Object.fromEntries(outcomes.map((x) => [x.name, x.probability]));
    p[o.name] = o.probability;
  }
  return p;
}

export function storeTheoSource(theos: Pick<TheoStore, 'getMany'>): TheoSource {
  return {
    read: async (ids) => [...(await theos.getMany(ids)).values()].map(theoSnapshotOf),
  };
}

/** The games' stored strike fits (issue #17) for the engine's `strikeTheos` port. */
export function storeStrikeTheoSource(strikeTheos: Pick<StrikeTheoStore, 'getMany'>): StrikeTheoSource {
  return { read: async (ids) => [...(await strikeTheos.getMany(ids)).values()] };
}

export function storeKillFlags(kill: Pick<KillStore, 'active'>): KillFlagSource {
  return {
    read: async (): Promise<ActiveFlag[]> =>
      (await kill.active()).map((f) => ({ scope: f.scope, kind: f.kind, reason: f.reason })),
  };
}

export interface AuditOptions {
  fills: Pick<FillStore, 'put'>;
  orders: Pick<OrderAuditStore, 'append'>;
  /** Game mappings and position snapshots; absent: not persisted. */
  mapping?: Pick<MappingStore, 'put'>;
  positions?: Pick<PositionStore, 'put'>;
  shardId: string;
  /** The fencing token writes are made under (0 when no lease is configured). */
  fenceToken: () => number;
  eventOf: (ticker: string) => string | undefined;
}

export function storeAudit(o: AuditOptions): AuditSink {
  const mapping = o.mapping;
  const positions = o.positions;
  return {
    ...(mapping
      ? {
          game: async (g, oddsSportKey, atMs) => {
            await mapping.put({
              kalshiEventTicker: g.eventTicker,
              seriesTicker: g.seriesTicker,
              oddsEventId: g.oddsEventId,
              sportKey: oddsSportKey,
              commenceTime: g.oddsCommenceMs,
              markets: g.markets.map((m) => ({ ticker: m.ticker, outcome: m.outcome })),
              matchedAt: atMs,
            });
          },
        }
      : {}),
    ...(positions
      ? {
          positions: async (s) => {
            await positions.put({
              shardId: o.shardId,
              ts: s.atMs,
              positions: s.positions,
              inventories: s.inventories,
              source: s.source,
            });
          },
        }
      : {}),
    fill: async (f) => {
      await o.fills.put({
        tradeId: f.tradeId,
        orderId: f.orderId,
        clientOrderId: f.clientOrderId,
        ticker: f.ticker,
        eventTicker: f.eventTicker,
        side: f.side,
        price: f.price,
        count: f.count,
        ts: f.tsMs,
        ...(f.fee === undefined ? {} : { fee: f.fee }),
        ...(f.isTaker === undefined ? {} : { isTaker: f.isTaker }),
        shardId: o.shardId,
      });
    },
    order: async (e) => {
      if (!e.orderId && !e.clientOrderId) return;
      await o.orders.append({
        clientOrderId: e.clientOrderId,
        orderId: e.orderId,
        eventTicker: o.eventOf(e.ticker) ?? 'unknown',
        ticker: e.ticker,
        action: e.action,
        outcome: e.outcome,
        side: e.side,
        price: e.price,
        count: e.count,
        ts: e.atMs,
        shardId: o.shardId,
        fenceToken: o.fenceToken(),
      });
    },
  };
}

/** An odds event as the theo record describes it: what the mapper matches Kalshi games against. */
export function oddsEventOf(r: TheoRecord): OddsApiEvent {
  return {
    id: r.eventId,
    sport_key: r.sportKey,
    commence_time: new Date(r.commenceTime).toISOString(),
    home_team: r.homeTeam,
    away_team: r.awayTeam,
  } as OddsApiEvent;
}

/**
 * The Odds API keys whose theos are candidates for a sport: its configured key
 * and, for a tournament-keyed sport (tennis), every key the odds poll last
 * found active for it — two tournaments running at once are both seen.
 */
export async function sportKeysOf(
  sport: string,
  oddsSportKey: string,
  config: MappingConfig,
  activeKeys: Pick<ActiveOddsKeysStore, 'get'> | undefined,
): Promise<string[]> {
  const catalogue = config.catalogue ?? [];
  const entry =
    catalogue.find((e) => e.id === sport && e.odds.kind === 'tournament') ??
    catalogue.find((e) => e.odds.kind === 'tournament' && acceptsOddsKey(e, oddsSportKey));
  if (!entry || !activeKeys) return [oddsSportKey];
  const stored = await activeKeys.get(entry.id);
  return [...new Set([oddsSportKey, ...(stored?.keys ?? []).filter((k) => acceptsOddsKey(entry, k))])];
}

/**
 * GameMapper over shared/mapping/match.ts, fed with the odds events that have
 * theos in the store (a game without a theo cannot be quoted anyway).
 */
export class StoreGameMapper implements GameMapper {
  private readonly events = new Map<string, OddsApiEvent[]>();

  constructor(
    private readonly theos: Pick<TheoStore, 'listBySport'>,
    private readonly now: () => number,
    private readonly config: MappingConfig = DEFAULT_MAPPING_CONFIG,
    /** Odds events that commenced longer ago than this are not candidates. */
    private readonly lookbackMs = 6 * 3_600_000,
    /** Tournament sports' active keys as the odds poll stored them; absent: the configured key only. */
    private readonly activeKeys?: Pick<ActiveOddsKeysStore, 'get'>,
  ) {}

  async prepare(sport: string, oddsSportKey: string): Promise<void> {
    const keys = await sportKeysOf(sport, oddsSportKey, this.config, this.activeKeys);
    const from = this.now() - this.lookbackMs;
    const records = (await Promise.all(keys.map((k) => this.theos.listBySport(k, from)))).flat();
    this.events.set(sport, records.map(oddsEventOf));
  }

  match(sport: string, ev: ListedEvent): MapResult {
    const r = matchKalshiGame(
      {
        eventTicker: ev.eventTicker,
        seriesTicker: ev.seriesTicker,
        title: ev.title,
        startTime: ev.startMs,
        markets: ev.markets.map((m) => ({
          ticker: m.ticker,
          yesSubTitle: m.yesSubTitle,
          ...(m.rules ? { rules: m.rules } : {}),
        })),
      },
      this.events.get(sport) ?? [],
      this.config,
    );
    if (r.kind !== 'matched') return { ok: false, reason: `${r.reason}: ${r.detail}` };
    return {
      ok: true,
      oddsEventId: r.oddsEventId,
      commenceMs: r.commenceTime,
      outcomeByTicker: Object.fromEntries(
        r.markets.map((m) => [m.ticker, m.side === 'draw' ? DRAW : m.outcome]),
      ),
      homeTeam: r.homeTeam,
      awayTeam: r.awayTeam,
      oddsSportKey: r.sportKey,
    };
  }
}
