/**
 * The session journal on disk: gzip'd JSON-lines segments that rotate by
 * size and by age, read back in order; bounded by a cap that drops entries
 * (counted) instead of throwing; never a secret in a line; a directory that
 * cannot be written costs entries, never an exception into the engine.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../worker/journal/journal-entry.ts';
import { readJournal } from '../../../worker/journal/journal-reader.ts';
import { SegmentWriter, segmentName } from '../../../worker/journal/segment-writer.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'journal-test-'));
const feed = (t: number, ticker = 'KXNBAGAME-26JAN01BOSMIL-BOS'): JournalEntry => ({
  t,
  k: 'feed',
  e: { type: 'book', ticker },
});

describe('SegmentWriter', () => {
  it('rotates by size and by age into gzip segments that read back in order', async () => {
    const dir = tmp();
    let now = 1_000;
    const closed: string[] = [];
    const w = new SegmentWriter({
      dir,
      now: () => now,
      segmentBytes: 400,
      segmentMs: 60_000,
      onSegment: (p) => closed.push(p),
    });
    for (let i = 0; i < 20; i++) w.append(feed(now + i));
    await w.flushed();
    const bySize = w.stats.segments;
    expect(bySize).toBeGreaterThan(1);
    // One entry, then a minute passes: the heartbeat's tick closes it though it is small.
    w.append(feed(now));
    now += 60_000;
    w.tick();
    await w.close();
    expect(w.stats.segments).toBe(bySize + 1);
    expect(closed).toHaveLength(w.stats.segments);
    const back = readJournal(dir);
    expect(back.badLines).toBe(0);
    expect(back.missingSegments).toEqual([]);
    expect(back.entries.map((e) => e.t)).toEqual([...Array.from({ length: 20 }, (_, i) => 1_000 + i), 1_000]);
    expect(readdirSync(dir).every((f) => f.endsWith('.jsonl.gz'))).toBe(true);
  });

  it('continues the sequence of a directory it restarts into', async () => {
    const dir = tmp();
    const a = new SegmentWriter({ dir, now: () => 0 });
    a.append(feed(1));
    await a.close();
    const b = new SegmentWriter({ dir, now: () => 0 });
    b.append(feed(2));
    await b.close();
    expect(readdirSync(dir).sort()).toEqual([segmentName(1), segmentName(2)]);
    expect(readJournal(dir).entries.map((e) => e.t)).toEqual([1, 2]);
  });

  it('stops at the cap: later entries are dropped and counted, what is kept replays from the start', async () => {
    const dir = tmp();
    const errors: string[] = [];
    const w = new SegmentWriter({
      dir,
      now: () => 0,
      segmentBytes: 200,
      maxBytes: 300,
      onError: (k) => errors.push(k),
    });
    for (let i = 0; i < 200; i++) {
      w.append(feed(i, `KXNBAGAME-26JAN01BOSMIL-${i.toString(36)}${'X'.repeat(i % 7)}`));
      await w.flushed();
    }
    await w.close();
    expect(w.stats.bytes).toBeLessThanOrEqual(300);
    expect(w.stats.dropped).toBeGreaterThan(0);
    expect(errors).toContain('cap');
    const back = readJournal(dir).entries.map((e) => e.t);
    // Every entry is on disk or counted as dropped; what is on disk is a prefix of the run.
    expect(back.length + w.stats.dropped).toBe(200);
    expect(back).toEqual(back.map((_, i) => i));
  });

  it('counts a directory it cannot write and never throws', async () => {
    const parent = tmp();
    const file = join(parent, 'not-a-dir');
    writeFileSync(file, 'x');
    const errors: string[] = [];
    const w = new SegmentWriter({ dir: join(file, 'journal'), now: () => 0, onError: (k) => errors.push(k) });
    expect(() => {
      for (let i = 0; i < 10; i++) w.append(feed(i));
      w.rotate();
    }).not.toThrow();
    await w.close();
    expect(w.stats.errors).toBeGreaterThan(0);
    expect(w.stats.dropped).toBe(10);
    expect(errors).toContain('write');
  });

  it('never writes a field that could carry a secret, nor a PEM block', async () => {
    const dir = tmp();
    const w = new SegmentWriter({ dir, now: () => 0 });
    w.append({
      t: 1,
      k: 'ans',
      id: 1,
      v: {
        orderId: 'o-1',
        Authorization: 'Bearer abc',
        'KALSHI-ACCESS-SIGNATURE': 'sig',
        signature: 'sig',
        privateKeyPem: 'k',
        note: '-----BEGIN PRIVATE KEY-----\nMII...',
      },
    });
    await w.close();
    const text = gunzipSync(readFileSync(join(dir, segmentName(1)))).toString('utf8');
    expect(text).toContain('o-1');
    for (const secret of ['Bearer abc', 'sig', 'privateKeyPem', 'BEGIN PRIVATE KEY', 'MII'])
      expect(text).not.toContain(secret);
  });
});
