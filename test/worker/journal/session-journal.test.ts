/**
 * The worker's journal: closed segments are shipped (S3 in AWS) and then
 * deleted locally; a failed upload keeps the segment on disk and is counted
 * as JournalErrors {Kind: ship}; drops are reported each heartbeat.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WorkerMetric } from '../../../shared/metrics/names.ts';
import type { EngineMetrics } from '../../../worker/engine/ports.ts';
import { openWorkerJournal } from '../../../worker/journal/session-journal.ts';

function metricsLog() {
  const counts: { name: string; value: number; dims?: Record<string, string> }[] = [];
  const metrics: EngineMetrics = {
    count: (name, value = 1, dims) => counts.push({ name, value, ...(dims ? { dims } : {}) }),
    gauge: () => {},
    timing: () => {},
  };
  return { counts, metrics };
}
const log = { info: () => {}, warn: () => {}, error: () => {} };

describe('openWorkerJournal', () => {
  it('ships each closed segment and deletes it locally', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-ship-'));
    const shipped = new Map<string, string>();
    const { counts, metrics } = metricsLog();
    const j = openWorkerJournal(
      {
        dir,
        segmentBytes: 100,
        ship: { put: async (name, body) => void shipped.set(name, gunzipSync(body).toString()) },
      },
      { now: () => 0, metrics, log },
    );
    for (let i = 0; i < 10; i++) j.writer.append({ t: i, k: 'tick', n: i + 1 });
    await j.close();
    expect(shipped.size).toBeGreaterThan(1);
    expect([...shipped.values()].join('').trim().split('\n')).toHaveLength(10);
    expect(readdirSync(dir)).toEqual([]);
    expect(j.writer.stats.bytes).toBe(0);
    expect(counts.filter((c) => c.name === WorkerMetric.JournalErrors)).toEqual([]);
  });

  it('keeps a segment whose upload failed on disk and counts it as a ship error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-ship-'));
    const { counts, metrics } = metricsLog();
    const j = openWorkerJournal(
      { dir, ship: { put: () => Promise.reject(new Error('AccessDenied')) } },
      { now: () => 0, metrics, log },
    );
    j.writer.append({ t: 1, k: 'tick', n: 1 });
    await j.close();
    expect(counts).toContainEqual({ name: WorkerMetric.JournalErrors, value: 1, dims: { Kind: 'ship' } });
    expect(existsSync(join(dir, 'seg-000001.jsonl.gz'))).toBe(true);
  });

  it('reports the entries the cap dropped at the next heartbeat, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-cap-'));
    const { counts, metrics } = metricsLog();
    const j = openWorkerJournal({ dir, maxBytes: 1 }, { now: () => 0, metrics, log });
    j.writer.append({ t: 1, k: 'tick', n: 1 });
    j.writer.rotate();
    await j.writer.flushed();
    for (let i = 2; i <= 5; i++) j.writer.append({ t: i, k: 'tick', n: i });
    j.tick();
    j.tick();
    await j.close();
    expect(counts).toContainEqual({ name: WorkerMetric.JournalErrors, value: 1, dims: { Kind: 'cap' } });
    const dropped = counts.filter((c) => c.name === WorkerMetric.JournalDropped);
    expect(dropped).toEqual([{ name: WorkerMetric.JournalDropped, value: 5 }]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
