/**
 * Append-only journals: the orders audit trail, position snapshots and
 * sampled quote decisions. Each entry is written once (conditional on its key)
 * so a retried write never duplicates, and expires by TTL.
 */
import * as z from 'zod';
import { keyPart, putOnce, queryAll, type ReadStats, type TableRef, timeKey } from './client.ts';
import { GSI1, ttlAfter } from './table.ts';

export const orderAuditSchema = z
  .object({
    /** Ours; the key of the order's history. Falls back to `orderId` when absent. */
    clientOrderId: z.string().min(1).optional(),
    orderId: z.string().min(1).optional(),
    eventTicker: z.string().min(1),
    ticker: z.string().min(1),
    /** What was done or seen: create, amend, decrease, cancel, rejected, executed, ... */
    action: z.string().regex(/^[a-z_-]{1,40}$/, 'action must be a short lower-case word'),
    /** The exchange's answer or the engine's verdict, free text (e.g. "accepted", "409 duplicate"). */
    outcome: z.string().max(200).optional(),
    side: z.enum(['bid', 'ask']).optional(),
    /** YES price, Micros. */
    price: z.number().int().optional(),
    /** Contracts, Centis. */
    count: z.number().int().optional(),
    /** Epoch ms; with `seq` it orders the entries of one order. */
    ts: z.number().int().nonnegative(),
    seq: z.number().int().nonnegative().default(0),
    shardId: z.string().min(1),
    /** The lease fencing token the write was made under. */
    fenceToken: z.number().int().nonnegative(),
    detail: z.string().max(1000).optional(),
  })
  .refine((r) => r.clientOrderId !== undefined || r.orderId !== undefined, {
    message: 'clientOrderId or orderId is required',
    path: ['clientOrderId'],
  });
export type OrderAudit = z.input<typeof orderAuditSchema>;
export type OrderAuditRecord = z.infer<typeof orderAuditSchema>;

export const positionSnapshotSchema = z.object({
  shardId: z.string().min(1),
  ts: z.number().int().nonnegative(),
  /** Per market: signed position in Centis (+ YES, − NO). */
  positions: z.array(z.object({ ticker: z.string().min(1), position: z.number().int() })),
  /** Per game: signed inventory in Centis (two-way games). */
  inventories: z.array(z.object({ eventTicker: z.string().min(1), inventory: z.number().int() })),
  /** Cash balance, Micros (if known). */
  balance: z.number().int().optional(),
  source: z.enum(['reconciliation', 'shutdown', 'manual']),
});
export type PositionSnapshot = z.infer<typeof positionSnapshotSchema>;

export const quoteDecisionSchema = z.object({
  eventTicker: z.string().min(1),
  ts: z.number().int().nonnegative(),
  shardId: z.string().min(1),
  /** The decision as the pricing module produced it, JSON-encoded (opaque to the store). */
  decision: z.string().max(200_000),
});
export type QuoteDecisionRecord = z.infer<typeof quoteDecisionSchema>;

const ORDER_AUDIT_TTL_DAYS = 90;
const POSITION_TTL_DAYS = 30;
const DECISION_TTL_DAYS = 7;

export class OrderAuditStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /** Appends one entry; false if that exact entry (order, ts, seq, action) was already written. */
  async append(entry: OrderAudit): Promise<boolean> {
    const r = orderAuditSchema.parse(entry);
    const id = keyPart('clientOrderId', r.clientOrderId ?? r.orderId ?? '');
    return putOnce(this.table, {
      pk: `ORDER#${id}`,
      sk: `${timeKey(r.ts)}#${String(r.seq).padStart(6, '0')}#${r.action}`,
      gsi1pk: `ORDERS#${keyPart('eventTicker', r.eventTicker)}`,
      gsi1sk: `${timeKey(r.ts)}#${id}#${String(r.seq).padStart(6, '0')}`,
      ttl: ttlAfter(r.ts, ORDER_AUDIT_TTL_DAYS),
      ...r,
    });
  }

  /** One order's history (by client order id, or exchange id when it had none), oldest first. */
  async history(clientOrderId: string): Promise<OrderAuditRecord[]> {
    const items = await queryAll(this.table, {
      keyName: 'pk',
      key: `ORDER#${keyPart('clientOrderId', clientOrderId)}`,
      from: '0',
    });
    return this.parseAll(items);
  }

  /** A game's order events at or after `since`, oldest first. */
  async listByGame(eventTicker: string, since = 0): Promise<OrderAuditRecord[]> {
    const items = await queryAll(this.table, {
      index: GSI1,
      keyName: 'gsi1pk',
      key: `ORDERS#${keyPart('eventTicker', eventTicker)}`,
      from: timeKey(since),
    });
    return this.parseAll(items);
  }

  private parseAll(items: Record<string, unknown>[]): OrderAuditRecord[] {
    const out: OrderAuditRecord[] = [];
    for (const item of items) {
      const parsed = orderAuditSchema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else this.stats.dropped++;
    }
    return out;
  }
}

export class PositionStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  async put(snapshot: PositionSnapshot): Promise<boolean> {
    const r = positionSnapshotSchema.parse(snapshot);
    return putOnce(this.table, {
      pk: `POS#${keyPart('shardId', r.shardId)}`,
      sk: timeKey(r.ts),
      ttl: ttlAfter(r.ts, POSITION_TTL_DAYS),
      ...r,
    });
  }

  /** The newest snapshot of a shard, or null. */
  async latest(shardId: string): Promise<PositionSnapshot | null> {
    const items = await queryAll(this.table, {
      keyName: 'pk',
      key: `POS#${keyPart('shardId', shardId)}`,
      from: '0',
      newestFirst: true,
      limit: 1,
    });
    const parsed = items[0] ? positionSnapshotSchema.safeParse(items[0]) : null;
    if (parsed && !parsed.success) this.stats.dropped++;
    return parsed?.success ? parsed.data : null;
  }
}

/**
 * Sampled quote decisions: at most one per game per `intervalMs` (the engine
 * recomputes on every book change; storing each would cost more than it tells).
 * `force` stores regardless, e.g. on a mode change or a suppressed side.
 */
export class DecisionJournal {
  readonly stats: ReadStats = { dropped: 0 };
  private readonly lastAt = new Map<string, number>();

  constructor(
    private readonly table: TableRef,
    private readonly intervalMs = 60_000,
  ) {}

  /** Pure sampling rule, exposed for tests and for callers that want to skip serialising. */
  shouldSample(eventTicker: string, now: number, force = false): boolean {
    const last = this.lastAt.get(eventTicker);
    return force || last === undefined || now - last >= this.intervalMs;
  }

  /** Stores the decision if sampled; returns whether it was stored. */
  async record(entry: QuoteDecisionRecord, force = false): Promise<boolean> {
    const r = quoteDecisionSchema.parse(entry);
    if (!this.shouldSample(r.eventTicker, r.ts, force)) return false;
    this.lastAt.set(r.eventTicker, r.ts);
    return putOnce(this.table, {
      pk: `DEC#${keyPart('eventTicker', r.eventTicker)}`,
      sk: timeKey(r.ts),
      ttl: ttlAfter(r.ts, DECISION_TTL_DAYS),
      ...r,
    });
  }

  async listByGame(eventTicker: string, since = 0): Promise<QuoteDecisionRecord[]> {
    const items = await queryAll(this.table, {
      keyName: 'pk',
      key: `DEC#${keyPart('eventTicker', eventTicker)}`,
      from: timeKey(since),
    });
    const out: QuoteDecisionRecord[] = [];
    for (const item of items) {
      const parsed = quoteDecisionSchema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else this.stats.dropped++;
    }
    return out;
  }
}
