/**
 * The data-access module: every DynamoDB read and write of the system goes
 * through these stores. Build them once around an injected document client.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client.ts';
import { FillStore } from './fills.ts';
import { GameDayStore } from './game-days.ts';
import { DecisionJournal, OrderAuditStore, PositionStore } from './journal.ts';
import { KillStore } from './kill.ts';
import { LeaseStore } from './leases.ts';
import { LiveSnapshotStore } from './live-snapshot.ts';
import { MappingStore } from './mapping.ts';
import { ActiveOddsKeysStore } from './odds-keys.ts';
import { OddsQuotaStore } from './odds-quota.ts';
import { PnlDayStore } from './pnl-day.ts';
import { RefreshDebounceStore } from './refresh-debounce.ts';
import { SettlementStore } from './settlements.ts';
import { StopAlarmStore } from './stop-alarms.ts';
import { StrikeTheoStore } from './strike-theos.ts';
import { TABLE_SPEC } from './table.ts';
import { TheoStopStore } from './theo-stops.ts';
import { TheoStore } from './theos.ts';

export { isConditionFailed, makeDocumentClient, type TableRef } from './client.ts';
export { type FillRecord, FillStore, fillRecordSchema } from './fills.ts';
export { GameDayStore } from './game-days.ts';
export {
  DecisionJournal,
  type OrderAudit,
  type OrderAuditRecord,
  OrderAuditStore,
  type PositionSnapshot,
  PositionStore,
  type QuoteDecisionRecord,
} from './journal.ts';
export { haltFor, type KillFlag, type KillScope, KillStore } from './kill.ts';
export { type AcquireResult, FenceError, type Lease, LeaseStore, leaseValid } from './leases.ts';
export { type LiveSnapshotRecord, LiveSnapshotStore } from './live-snapshot.ts';
export { type EventMapping, eventMappingSchema, MappingStore } from './mapping.ts';
export { type ActiveOddsKeys, ActiveOddsKeysStore, activeOddsKeysSchema } from './odds-keys.ts';
export { type OddsQuota, OddsQuotaStore } from './odds-quota.ts';
export { type PnlDay, PnlDayStore, pnlDaySchema } from './pnl-day.ts';
export { type DebounceResult, RefreshDebounceStore } from './refresh-debounce.ts';
export { type SettlementRecord, SettlementStore, settlementRecordSchema } from './settlements.ts';
export { type StopAlarmState, StopAlarmStore } from './stop-alarms.ts';
export {
  pricedGameFromRecord,
  type StrikeTheoRecord,
  StrikeTheoStore,
  strikeTheoRecordFromGame,
  strikeTheoRecordSchema,
} from './strike-theos.ts';
export { createTableInput, TABLE_SPEC, ttlAfter } from './table.ts';
export { type TheoStop, TheoStopStore, theoStopSchema } from './theo-stops.ts';
export {
  type PutTheoResult,
  type TheoRecord,
  TheoStore,
  theoRecordFromTheo,
  theoRecordSchema,
} from './theos.ts';

export interface Store {
  readonly theos: TheoStore;
  readonly mapping: MappingStore;
  readonly kill: KillStore;
  readonly fills: FillStore;
  readonly orders: OrderAuditStore;
  readonly positions: PositionStore;
  readonly decisions: DecisionJournal;
  readonly leases: LeaseStore;
  readonly refreshDebounce: RefreshDebounceStore;
  /** The operator's dashboard feed (optional: test stores may leave it out). */
  readonly liveSnapshots?: LiveSnapshotStore;
  /** tournament sports' active Odds API keys (written by odds-poll, read by the worker's mapper) */
  readonly activeOddsKeys: ActiveOddsKeysStore;
  readonly stopAlarms: StopAlarmStore;
  readonly oddsQuota: OddsQuotaStore;
  /** Each shard's trading-day PnL and peak (the drawdown across restarts); optional for test stores. */
  readonly pnlDay?: PnlDayStore;
  /** Settlements of our positions (the PnL wave); optional for test stores. */
  readonly settlements?: SettlementStore;
  /** Which games had fills or settlements on which trading day (the daily report's index). */
  readonly gameDays?: GameDayStore;
  /** Each game's theo at its stop and its results (the report's calibration table). */
  readonly theoStops?: TheoStopStore;
  /** Each game's margin/total fit beside its winner theo (spread/total ladders); optional for test stores. */
  readonly strikeTheos?: StrikeTheoStore;
}

export interface StoreOptions {
  /** Minimum gap between two stored quote decisions of one game (ms). */
  decisionSampleIntervalMs?: number;
}

export function createStore(
  doc: DynamoDBDocumentClient,
  tableName: string = TABLE_SPEC.defaultTableName,
  options: StoreOptions = {},
): Store {
  const table: TableRef = { doc, tableName };
  return {
    theos: new TheoStore(table),
    mapping: new MappingStore(table),
    kill: new KillStore(table),
    fills: new FillStore(table),
    orders: new OrderAuditStore(table),
    positions: new PositionStore(table),
    decisions: new DecisionJournal(table, options.decisionSampleIntervalMs),
    leases: new LeaseStore(table),
    refreshDebounce: new RefreshDebounceStore(table),
    liveSnapshots: new LiveSnapshotStore(table),
    activeOddsKeys: new ActiveOddsKeysStore(table),
    stopAlarms: new StopAlarmStore(table),
    oddsQuota: new OddsQuotaStore(table),
    pnlDay: new PnlDayStore(table),
    settlements: new SettlementStore(table),
    gameDays: new GameDayStore(table),
    theoStops: new TheoStopStore(table),
    strikeTheos: new StrikeTheoStore(table),
  };
}
export { LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.ts';
export { fnv1a32, shardOf } from './shard-assignment.ts';
export { MAX_SHARDS, otherLayoutLease } from './shard-layout.ts';
