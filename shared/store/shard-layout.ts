/**
 * Re-sharding is refused while a worker of another layout runs. Games go to shards by a hash
 * modulo SHARD_COUNT, so the old shard 0 of `SHARD_COUNT=1` (every game) and the new shards of
 * `SHARD_COUNT=2` would quote the same games under different lease keys, and the old one's
 * flatten would cancel every order on the account. Every lease records its holder's shard count;
 * a worker that has taken its own lease trades only once no live lease of another layout remains
 * (otherwise it gives its lease back and waits: lease-keeper.ts `layoutCheck`).
 */
import type { Lease, LeaseStore } from './leases.ts';

/** The deploy config's limit (infra/config.ts `shards`): every shard id a layout can hold. */
export const MAX_SHARDS = 16;

/**
 * A live lease (unexpired at `now`) of a shard other than `ownShardId` whose holder trades another
 * layout (a different shard count, or none recorded), or null. Reads shard ids "0" … MAX_SHARDS-1.
 */
export async function otherLayoutLease(
  leases: Pick<LeaseStore, 'current'>,
  shardCount: number,
  ownShardId: string,
  now: number,
  maxShards: number = MAX_SHARDS,
): Promise<Lease | null> {
  const ids = Array.from({ length: maxShards }, (_, i) => String(i)).filter((id) => id !== ownShardId);
  const found = await Promise.all(ids.map((id) => leases.current(id)));
  return found.find((l) => l !== null && l.expiresAt > now && l.shardCount !== shardCount) ?? null;
}
