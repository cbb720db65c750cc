/**
 * A deterministic timeline of scenario actions: ordered by time, then by the
 * order they were scheduled, so two runs with the same seed act identically.
 * `TimeQueue` is that order as a binary heap; the scheduler here, the stepped
 * simulator clock (sim/clock.ts) and the backtest's virtual clock
 * (sim/backtest/clock.ts) all keep their timers in one.
 */
export type Task = () => void;

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

/** Items by due time, then by insertion order (a binary heap). */
export class TimeQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest due time, or undefined when empty. */
  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** The earliest item, or undefined when empty. */
  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    this.up(this.heap.length - 1);
  }

  /** Removes and returns the earliest entry. */
  pop(): { at: number; item: T } | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

export class Scheduler {
  private readonly queue = new TimeQueue<Task>();

  get size(): number {
    return this.queue.size;
  }

  /** The next due time, or undefined when nothing is scheduled. */
  peek(): number | undefined {
    return this.queue.peekAt();
  }

  schedule(at: number, task: Task): void {
    if (!Number.isFinite(at)) return;
    this.queue.push(at, task);
  }

  /** Removes and returns the earliest entry due at or before `toMs`. */
  popDue(toMs: number): { at: number; task: Task } | undefined {
    const at = this.queue.peekAt();
    if (at === undefined || at > toMs) return undefined;
    const e = this.queue.pop()!;
    return { at: e.at, task: e.item };
  }
}
