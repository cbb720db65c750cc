/**
 * Which shard trades a game: a stable hash (FNV-1a, 32-bit) of the Kalshi
 * event ticker modulo the shard count. Stable across processes, restarts and
 * languages, so every task and tool agrees without coordination.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function shardOf(eventTicker: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1)
    throw new RangeError(`shardCount must be ≥ 1, got ${shardCount}`);
  if (eventTicker.length === 0) throw new RangeError('eventTicker must not be empty');
  return fnv1a32(eventTicker) % shardCount;
}
