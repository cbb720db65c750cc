/**
 * The worker's session journal: a SegmentWriter in a directory (paper mode:
 * under the run's output; AWS: the task's scratch space) whose closed
 * segments are optionally shipped (to S3) and then deleted locally. Failures
 * are counted (`JournalErrors {Kind}`, `JournalDropped`) and logged — the
 * first and then every 100th — and never reach the engine.
 */
import { readFile, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { type JournalErrorKind, WorkerMetric } from '../../shared/metrics/names.ts';
import type { EngineLogger, EngineMetrics, EnginePorts } from '../engine/ports.ts';
import { type JournalPortsOptions, journalPorts, type SessionJournal } from './journal-ports.ts';
import { SegmentWriter } from './segment-writer.ts';

/** Where closed segments go (S3 in AWS: worker/journal/s3-shipper.ts). */
export interface SegmentShipper {
  /** Stores one segment under `name` (seg-000001.jsonl.gz); throws when it could not. */
  put(name: string, body: Uint8Array): Promise<void>;
}

export interface SessionJournalOptions {
  dir: string;
  segmentBytes?: number;
  segmentMs?: number;
  /** Cap on the local directory, bytes (default 2 GiB). */
  maxBytes?: number;
  /** Ships each closed segment, then deletes it locally; absent: segments stay on disk (paper mode). */
  ship?: SegmentShipper;
}

export interface WorkerJournal {
  record(ports: EnginePorts, opts: JournalPortsOptions): SessionJournal;
  /** Heartbeat: closes an old segment, reports drops. */
  tick(): void;
  /** Closes the open segment and waits for it (and its upload). */
  close(): Promise<void>;
  readonly writer: SegmentWriter;
}

export function openWorkerJournal(
  o: SessionJournalOptions,
  deps: { now: () => number; metrics: EngineMetrics; log: EngineLogger },
): WorkerJournal {
  let failures = 0;
  const fail = (kind: JournalErrorKind, error: string) => {
    failures++;
    deps.metrics.count(WorkerMetric.JournalErrors, 1, { Kind: kind });
    if (failures === 1 || failures % 100 === 0) deps.log.warn('journal_failed', { kind, error, failures });
  };
  const shipping = new Set<Promise<void>>();
  const ship = (path: string, bytes: number) => {
    if (!o.ship) return;
    const p = (async () => {
      try {
        await o.ship!.put(basename(path), await readFile(path));
        await unlink(path);
        writer.released(bytes);
      } catch (err) {
        // The segment stays on disk (inside the cap) for an operator to copy.
        fail('ship', err instanceof Error ? err.message : String(err));
      }
    })();
    shipping.add(p);
    void p.finally(() => shipping.delete(p));
  };
  const writer = new SegmentWriter({
    dir: o.dir,
    now: deps.now,
    ...(o.segmentBytes === undefined ? {} : { segmentBytes: o.segmentBytes }),
    ...(o.segmentMs === undefined ? {} : { segmentMs: o.segmentMs }),
    ...(o.maxBytes === undefined ? {} : { maxBytes: o.maxBytes }),
    onError: fail,
    onSegment: ship,
  });
  let reportedDrops = 0;
  return {
    writer,
    record: (ports, opts) => journalPorts(ports, writer, opts),
    tick: () => {
      writer.tick();
      const d = writer.stats.dropped - reportedDrops;
      if (d > 0) deps.metrics.count(WorkerMetric.JournalDropped, d);
      reportedDrops = writer.stats.dropped;
    },
    close: async () => {
      await writer.close();
      await Promise.allSettled([...shipping]);
    },
  };
}
