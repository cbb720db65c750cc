/**
 * Kill and pause flags. `kill` means: cancel everything in scope and stay down
 * until a human clears it. `pause` means: cancel the scope's quotes and quote
 * nothing there until cleared. Scope is the whole system (`global`) or one game
 * (Kalshi event ticker). All flags live under one partition, so the worker
 * reads every flag with a single Query.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed, keyPart, type ReadStats, type TableRef } from './client.ts';

export const killScopeSchema = z.union([z.literal('global'), z.object({ game: z.string().min(1) })]);
export type KillScope = z.infer<typeof killScopeSchema>;

export const killFlagSchema = z.object({
  scope: z.string().min(1), // 'global' or the game's event ticker
  kind: z.enum(['kill', 'pause']),
  active: z.boolean(),
  reason: z.string(),
  setBy: z.string(),
  /** When the flag last went from inactive to active (epoch ms). */
  since: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
  /** How many times it was set while active (repeated alarms are idempotent, but counted). */
  hits: z.number().int().nonnegative(),
});
export type KillFlag = z.infer<typeof killFlagSchema>;

const PK = 'KILL';
const skOf = (scope: KillScope) => (scope === 'global' ? 'GLOBAL' : `GAME#${keyPart('game', scope.game)}`);
const scopeName = (scope: KillScope) => (scope === 'global' ? 'global' : scope.game);

/** Pure: does any active flag stop quoting `game`? Kill outranks pause. */
export function haltFor(flags: readonly KillFlag[], game: string): KillFlag | null {
  const relevant = flags.filter((f) => f.active && (f.scope === 'global' || f.scope === game));
  return relevant.find((f) => f.kind === 'kill') ?? relevant[0] ?? null;
}

export class KillStore {
  readonly stats: ReadStats = { dropped: 0 };

  constructor(private readonly table: TableRef) {}

  /**
   * Sets a flag. Idempotent: re-setting an active flag keeps its `since`,
   * counts the hit, and may upgrade a pause to a kill (never the reverse).
   */
  async set(
    scope: KillScope,
    kind: 'kill' | 'pause',
    reason: string,
    setBy: string,
    now: number,
  ): Promise<KillFlag> {
    const key = { pk: PK, sk: skOf(killScopeSchema.parse(scope)) };
    const common = {
      ':reason': reason.slice(0, 500),
      ':by': setBy.slice(0, 200),
      ':now': now,
      ':t': true,
      ':one': 1,
    };
    // Two conditional shapes (activate / repeat); retry if a concurrent clear or set slips between them.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const out = await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: key,
            UpdateExpression:
              'SET #scope = :scope, kind = :kind, active = :t, reason = :reason, setBy = :by, updatedAt = :now, since = :now, hits = :one',
            ConditionExpression: 'attribute_not_exists(pk) OR active = :f',
            ExpressionAttributeNames: { '#scope': 'scope' },
            ExpressionAttributeValues: { ...common, ':scope': scopeName(scope), ':kind': kind, ':f': false },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return killFlagSchema.parse(out.Attributes);
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
      // Already active: record the repeat; upgrade pause to kill.
      try {
        const out = await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: key,
            UpdateExpression: `SET reason = :reason, setBy = :by, updatedAt = :now${kind === 'kill' ? ', kind = :kill' : ''} ADD hits :one`,
            ConditionExpression: 'active = :t',
            ExpressionAttributeValues: { ...common, ...(kind === 'kill' ? { ':kill': 'kill' } : {}) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return killFlagSchema.parse(out.Attributes);
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    throw new Error(`kill flag ${scopeName(scope)}: could not set after 5 attempts (concurrent updates)`);
  }

  /** Clears a flag (human action). The item stays, inactive, for the audit trail. */
  async clear(scope: KillScope, clearedBy: string, now: number): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: PK, sk: skOf(killScopeSchema.parse(scope)) },
        UpdateExpression: 'SET active = :f, clearedBy = :by, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':f': false, ':by': clearedBy, ':now': now },
      }),
    );
  }

  /** Every flag, active or not (one Query, strongly consistent). */
  async list(): Promise<KillFlag[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      }),
    );
    const flags: KillFlag[] = [];
    for (const item of out.Items ?? []) {
      const parsed = killFlagSchema.safeParse(item);
      if (parsed.success) flags.push(parsed.data);
      else this.stats.dropped++;
    }
    return flags;
  }

  async active(): Promise<KillFlag[]> {
    return (await this.list()).filter((f) => f.active);
  }
}
