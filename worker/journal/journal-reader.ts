/**
 * Reads a session journal directory back (segments in sequence order). A line
 * that is not a valid entry is counted and skipped, and a missing segment in
 * the sequence is reported: a replay says what it could not read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type JournalEntry, journalEntrySchema } from './journal-entry.ts';
import { SEGMENT_PATTERN } from './segment-writer.ts';

export interface ReadJournal {
  entries: JournalEntry[];
  segments: number;
  badLines: number;
  /** Sequence numbers absent between the first and the last segment (dropped or lost). */
  missingSegments: number[];
}

export function readJournal(dir: string): ReadJournal {
  const segs = readdirSync(dir)
    .map((f) => ({ f, m: SEGMENT_PATTERN.exec(f) }))
    .filter((s): s is { f: string; m: RegExpExecArray } => s.m !== null)
    .map((s) => ({ f: s.f, seq: Number(s.m[1]) }))
    .sort((a, b) => a.seq - b.seq);
  const entries: JournalEntry[] = [];
  const missingSegments: number[] = [];
  let badLines = 0;
  let prev: number | null = null;
  for (const s of segs) {
    if (prev !== null) for (let q = prev + 1; q < s.seq; q++) missingSegments.push(q);
    prev = s.seq;
    const text = gunzipSync(readFileSync(join(dir, s.f))).toString('utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        badLines++;
        continue;
      }
      const r = journalEntrySchema.safeParse(parsed);
      if (r.success) entries.push(r.data);
      else badLines++;
    }
  }
  return { entries, segments: segs.length, badLines, missingSegments };
}
