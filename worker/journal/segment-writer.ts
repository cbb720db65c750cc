/**
 * The session journal on disk: JSON lines, gzip per segment, bounded.
 *
 * Entries collect in memory; a segment closes when it reaches `segmentBytes`
 * (uncompressed) or `segmentMs` of age (checked on append and on `tick()`),
 * and is then compressed off the event loop (zlib's thread pool) and written
 * as `seg-000001.jsonl.gz`, … (a `.part` file renamed when complete, so a
 * reader never sees half a segment). `maxBytes` caps the directory: once the
 * closed segments reach it, new entries are dropped (counted) rather than old
 * ones deleted, so what is kept always replays from the start. Compressed
 * bytes waiting to be written are capped too (`maxPendingBytes`).
 *
 * A journal never stops trading: `append` never throws, every failure is
 * counted and reported through `onError`, and a full disk costs entries, not
 * orders. Fields that could hold a secret (authorization, signature, keys)
 * are dropped from every line before it is written.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { JournalEntry, JournalSink } from './journal-entry.ts';

const gzip = promisify(gzipCb);

export interface SegmentWriterOptions {
  dir: string;
  /** Time source for segment age (the session clock). */
  now: () => number;
  /** Uncompressed bytes per segment (default 8 MiB). */
  segmentBytes?: number;
  /** Longest a segment stays open (default 5 min): bounds what a crash loses. */
  segmentMs?: number;
  /** Cap on the directory's segments, compressed (default 2 GiB). */
  maxBytes?: number;
  /** Cap on closed segments not yet on disk (default 64 MiB). */
  maxPendingBytes?: number;
  /** A failure (compress, write, cap reached): counted by the caller's metrics, logged. Never throws. */
  onError?: (kind: 'write' | 'cap' | 'encode', error: string) => void;
  /** A segment is complete on disk (the S3 shipper takes it from here). */
  onSegment?: (path: string, bytes: number) => void;
}

export interface JournalStats {
  entries: number;
  dropped: number;
  errors: number;
  segments: number;
  /** Compressed bytes of the segments in the directory. */
  bytes: number;
}

export const SEGMENT_PATTERN = /^seg-(\d{6,})\.jsonl\.gz$/;
export const segmentName = (seq: number): string => `seg-${String(seq).padStart(6, '0')}.jsonl.gz`;

const SECRET_KEY =
  /^(authorization|signature|private_?key(_?pem)?|secret|api_?key|password|kalshi-access-[a-z-]+)$/i;

/** JSON without any field that could carry a secret, nor a PEM block. */
export function redactedJson(entry: unknown): string {
  return JSON.stringify(entry, (key, value) => {
    if (key !== '' && SECRET_KEY.test(key)) return undefined;
    if (typeof value === 'string' && value.includes('-----BEGIN')) return '[redacted]';
    return value;
  });
}

export class SegmentWriter implements JournalSink {
  private lines: string[] = [];
  private openBytes = 0;
  private openedAt: number | null = null;
  private seq: number;
  private pendingBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private full = false;
  private closed = false;
  readonly stats: JournalStats = { entries: 0, dropped: 0, errors: 0, segments: 0, bytes: 0 };
  private readonly segmentBytes: number;
  private readonly segmentMs: number;
  private readonly maxBytes: number;
  private readonly maxPendingBytes: number;

  constructor(private readonly o: SegmentWriterOptions) {
    this.segmentBytes = o.segmentBytes ?? 8 * 1024 * 1024;
    this.segmentMs = o.segmentMs ?? 5 * 60_000;
    this.maxBytes = o.maxBytes ?? 2 * 1024 * 1024 * 1024;
    this.maxPendingBytes = o.maxPendingBytes ?? 64 * 1024 * 1024;
    let last = 0;
    try {
      mkdirSync(o.dir, { recursive: true });
      // A restart into the same directory continues the sequence and counts what is already there.
      for (const f of readdirSync(o.dir)) {
        const m = SEGMENT_PATTERN.exec(f);
        if (!m) continue;
        last = Math.max(last, Number(m[1]));
        this.stats.bytes += statSync(join(o.dir, f)).size;
      }
    } catch (err) {
      this.fail('write', err);
    }
    this.seq = last;
  }

  append(entry: JournalEntry): void {
    if (this.closed || this.full) {
      this.stats.dropped++;
      return;
    }
    let line: string;
    try {
      line = `${redactedJson(entry)}\n`;
    } catch (err) {
      this.stats.dropped++;
      this.fail('encode', err);
      return;
    }
    this.openedAt ??= this.o.now();
    this.lines.push(line);
    this.openBytes += line.length;
    this.stats.entries++;
    if (this.openBytes >= this.segmentBytes) this.rotate();
    else this.tick();
  }

  /** Closes the open segment if it is old enough (the worker's heartbeat calls it). */
  tick(): void {
    if (this.openedAt !== null && this.o.now() - this.openedAt >= this.segmentMs) this.rotate();
  }

  /** Closes the open segment now (if it has anything) and queues it for compression and writing. */
  rotate(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    const n = this.lines.length;
    this.lines = [];
    this.openBytes = 0;
    this.openedAt = null;
    if (this.pendingBytes + text.length > this.maxPendingBytes) {
      this.stats.dropped += n;
      this.fail('cap', new Error('journal writes are falling behind: segment dropped'));
      return;
    }
    const seq = ++this.seq;
    this.pendingBytes += text.length;
    this.chain = this.chain
      .then(async () => {
        const body = await gzip(text);
        if (this.stats.bytes + body.length > this.maxBytes) {
          this.full = true;
          this.stats.dropped += n;
          this.fail(
            'cap',
            new Error(`journal cap of ${this.maxBytes} bytes reached: further entries dropped`),
          );
          return;
        }
        const path = join(this.o.dir, segmentName(seq));
        await writeFile(`${path}.part`, body);
        await rename(`${path}.part`, path);
        this.stats.segments++;
        this.stats.bytes += body.length;
        this.o.onSegment?.(path, body.length);
      })
      .catch((err: unknown) => {
        this.stats.dropped += n;
        this.fail('write', err);
      })
      .finally(() => {
        this.pendingBytes -= text.length;
      });
  }

  /** Closes the open segment and waits until every closed one is on disk (or failed). */
  async close(): Promise<void> {
    this.rotate();
    this.closed = true;
    await this.chain;
  }

  /** A closed segment of `bytes` left the directory (shipped): room under the cap again. */
  released(bytes: number): void {
    this.stats.bytes = Math.max(0, this.stats.bytes - bytes);
    // Entries were dropped while full: a skipped sequence number shows the gap to a reader.
    if (this.full) this.seq++;
    this.full = false;
  }

  /** Waits for the segments closed so far. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private fail(kind: 'write' | 'cap' | 'encode', err: unknown): void {
    this.stats.errors++;
    try {
      this.o.onError?.(kind, err instanceof Error ? err.message : String(err));
    } catch {
      // A failing error reporter must not reach the engine either.
    }
  }
}
