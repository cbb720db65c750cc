/**
 * The news guard's memory in the worker (fill-intake.ts): each game's (or leg's) recent fills by
 * direction, kept only as long as the window `sweepOf` reads them with (shared/pricing/news-guard.ts).
 */
import type { PositionMove } from '../../shared/pricing/sweep-guard.ts';

export type NewsMove = Pick<PositionMove, 't' | 'delta'>;

export class RecentMoves {
  private readonly byKey = new Map<string, NewsMove[]>();
  /** The oldest move held (any key): the other keys need a look only once it is out of the window. */
  private oldestMs = Number.POSITIVE_INFINITY;

  /**
   * Adds one fill's move under `key`; returns the key's moves within the window, this one included.
   * Every other key's moves out of the window go too (a game that stopped filling kept its last
   * moves, and its key, for the worker's life before).
   */
  add(key: string, move: NewsMove, windowMs: number): readonly NewsMove[] {
    const now = move.t;
    if (now - this.oldestMs >= windowMs) this.prune(now, windowMs);
    const kept = (this.byKey.get(key) ?? []).filter((m) => now - m.t < windowMs);
    kept.push(move);
    this.byKey.set(key, kept);
    if (move.t < this.oldestMs) this.oldestMs = move.t;
    return kept;
  }

  private prune(now: number, windowMs: number): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const [key, moves] of this.byKey) {
      const kept = moves.filter((m) => now - m.t < windowMs);
      if (kept.length === 0) this.byKey.delete(key);
      else {
        this.byKey.set(key, kept);
        for (const m of kept) if (m.t < oldest) oldest = m.t;
      }
    }
    this.oldestMs = oldest;
  }

  /** Moves held across every key (what a live worker keeps in memory for the guard). */
  held(): number {
    let n = 0;
    for (const ms of this.byKey.values()) n += ms.length;
    return n;
  }

  /** Keys with any move held. */
  keys(): number {
    return this.byKey.size;
  }
}
