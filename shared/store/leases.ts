/**
 * Shard leases with fencing tokens: the guarantee that no two worker tasks
 * ever trade the same shard (ECS's 0/100 deployment setting alone is not one).
 *
 * One item per shard, never deleted: it carries `token`, a counter that grows
 * by one on every acquisition, and the shard count of the layout its holder
 * trades. Acquire succeeds only when the lease is free or expired; renew and
 * release only for the holder of the current token.
 *
 * What fences an order write is the holder's local validity (lease-keeper.ts):
 * every create and amend is checked against it before each attempt, and it ends
 * a safety margin (≥ the REST request timeout + clock skew) before the stored
 * expiry, which a conditional renewal confirms every few seconds. So a write
 * the old holder sends has reached the exchange before anyone else can take the
 * shard. `assertFence` (a strongly consistent read) is the stronger check for
 * writes that can afford a round trip; no hot-path write uses it.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed, keyPart, type TableRef } from './client.ts';

export const leaseSchema = z.object({
  shardId: z.string().min(1),
  owner: z.string().min(1),
  /** Fencing token: strictly increasing across all acquisitions of this shard. */
  token: z.number().int().positive(),
  /** Epoch ms after which anyone may take the lease. */
  expiresAt: z.number().int().nonnegative(),
  /** SHARD_COUNT of the holder's layout (absent on leases taken before it was recorded). */
  shardCount: z.number().int().positive().optional(),
});
export type Lease = z.infer<typeof leaseSchema>;

export type AcquireResult = { acquired: true; lease: Lease } | { acquired: false; holder: Lease | null };

/** Thrown when an order write is attempted without holding the current lease. */
export class FenceError extends Error {
  constructor(
    readonly shardId: string,
    readonly token: number,
    readonly reason: 'lost' | 'expired' | 'superseded',
  ) {
    super(`shard ${shardId}: fencing token ${token} is not valid (${reason}); do not write orders`);
    this.name = 'FenceError';
  }
}

const keyOf = (shardId: string) => ({ pk: `LEASE#${keyPart('shardId', shardId)}`, sk: 'LEASE' });

/** Pure local check: the lease is held and will still be held `marginMs` from now. */
export function leaseValid(lease: Lease, now: number, marginMs = 0): boolean {
  return now + marginMs < lease.expiresAt;
}

export class LeaseStore {
  constructor(private readonly table: TableRef) {}

  /**
   * Takes the lease if it is free, released or expired at `now`; the token grows by one.
   * `shardCount` (the holder's layout) is recorded for other shards' layout check (shard-layout.ts).
   */
  async acquire(
    shardId: string,
    owner: string,
    now: number,
    ttlMs: number,
    shardCount?: number,
  ): Promise<AcquireResult> {
    if (!(ttlMs > 0)) throw new RangeError('lease ttlMs must be positive');
    try {
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keyOf(shardId),
          UpdateExpression: `SET shardId = :s, #owner = :o, expiresAt = :exp, acquiredAt = :now, #token = if_not_exists(#token, :zero) + :one${shardCount === undefined ? ' REMOVE shardCount' : ', shardCount = :n'}`,
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
          ExpressionAttributeValues: {
            ':s': shardId,
            ':o': owner,
            ':exp': now + ttlMs,
            ':now': now,
            ':zero': 0,
            ':one': 1,
            ...(shardCount === undefined ? {} : { ':n': shardCount }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { acquired: true, lease: leaseSchema.parse(out.Attributes) };
    } catch (err) {
      if (isConditionFailed(err)) return { acquired: false, holder: await this.current(shardId) };
      throw err;
    }
  }

  /** Heartbeat: extends the lease if `lease` still holds the current token. Throws FenceError otherwise. */
  async renew(lease: Lease, now: number, ttlMs: number): Promise<Lease> {
    try {
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keyOf(lease.shardId),
          UpdateExpression: 'SET expiresAt = :exp, renewedAt = :now',
          ConditionExpression: '#token = :t AND #owner = :o AND expiresAt > :now',
          ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
          ExpressionAttributeValues: {
            ':t': lease.token,
            ':o': lease.owner,
            ':exp': now + ttlMs,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return leaseSchema.parse(out.Attributes);
    } catch (err) {
      if (isConditionFailed(err)) throw await this.fenceError(lease, now);
      throw err;
    }
  }

  /** Gives the lease up (expires it now) so a successor need not wait; the token counter stays. */
  async release(lease: Lease, now: number): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keyOf(lease.shardId),
          UpdateExpression: 'SET expiresAt = :now, releasedAt = :now',
          ConditionExpression: '#token = :t AND #owner = :o',
          ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
          ExpressionAttributeValues: { ':t': lease.token, ':o': lease.owner, ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** The stored lease item (strongly consistent), or null if the shard was never leased. */
  async current(shardId: string): Promise<Lease | null> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keyOf(shardId), ConsistentRead: true }),
    );
    if (!out.Item) return null;
    const parsed = leaseSchema.safeParse(out.Item);
    return parsed.success ? parsed.data : null;
  }

  /**
   * The check before every order write: the stored lease still carries this
   * token and has not expired at `now`. Throws FenceError otherwise.
   */
  async assertFence(shardId: string, token: number, now: number): Promise<void> {
    const stored = await this.current(shardId);
    if (!stored || stored.token !== token)
      throw new FenceError(shardId, token, stored ? 'superseded' : 'lost');
    if (stored.expiresAt <= now) throw new FenceError(shardId, token, 'expired');
  }

  private async fenceError(lease: Lease, now: number): Promise<FenceError> {
    const stored = await this.current(lease.shardId);
    if (!stored) return new FenceError(lease.shardId, lease.token, 'lost');
    if (stored.token !== lease.token || stored.owner !== lease.owner) {
      return new FenceError(lease.shardId, lease.token, 'superseded');
    }
    return new FenceError(lease.shardId, lease.token, stored.expiresAt <= now ? 'expired' : 'lost');
  }
}
