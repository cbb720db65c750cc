/**
 * A deterministic timeline of scenario actions: ordered by time, then by the
 * order they were scheduled, so two runs with the same seed act identically.
 */
export type Task = () => void;

interface Entry {
  at: number;
  seq: number;
  task: Task;
}

export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The next due time, or undefined when nothing is scheduled. */
  peek(): number | undefined {
    return this.heap[0]?.at;
  }

  schedule(at: number, task: Task): void {
    if (!Number.isFinite(at)) return;
    this.heap.push({ at, seq: this.seq++, task });
    this.up(this.heap.length - 1);
  }

  /** Removes and returns the earliest entry due at or before `toMs`. */
  popDue(toMs: number): { at: number; task: Task } | undefined {
    const top = this.heap[0];
    if (!top || top.at > toMs) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: Entry, b: Entry): boolean {
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
