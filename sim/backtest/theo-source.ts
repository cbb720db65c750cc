/**
 * The worker's theo source over the backtest's in-memory theo table. The session polls
 * theos every 2 s and takes one only when it is newer, so the production source's
 * snapshot of every game per poll (`theoSnapshotOf`) was built again and dropped ≈ 5,000
 * times a run for a record that had not changed. Here a record's snapshot is built once:
 * the table replaces a record on every write (never edits one in place) and nothing
 * edits a snapshot, so the same record gives an equal snapshot, and this one is it.
 */
import type { TheoRecord } from '../../shared/store/theos.ts';
import { theoSnapshotOf } from '../../worker/engine/adapters/store.ts';
import type { TheoSnapshot, TheoSource } from '../../worker/engine/ports.ts';

export function backtestTheoSource(theos: {
  getMany(ids: readonly string[]): Promise<Map<string, TheoRecord>>;
}): TheoSource {
  const snapshots = new WeakMap<TheoRecord, TheoSnapshot>();
  return {
    read: async (ids) => {
      const out: TheoSnapshot[] = [];
      for (const r of (await theos.getMany(ids)).values()) {
        let snap = snapshots.get(r);
        if (!snap) {
          snap = theoSnapshotOf(r);
          snapshots.set(r, snap);
        }
        out.push(snap);
      }
      return out;
    },
  };
}
