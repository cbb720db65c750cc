/**
 * `npm run replay -- --journal DIR` drives the real TradingSession: a
 * backtest run journals its session (worker/journal/), the journal replays
 * through a new session on the journal's clock, and the replay's decisions —
 * every order write, group change, refresh, subscription and flatten — are
 * the run's, in the same order at the same times. A session that would
 * decide differently (another quoting config) shows where it first differs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { scoreRun } from '../../../scripts/paper/scoreboard.ts';
import { runBacktest } from '../../../sim/backtest/run.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import { journalPorts } from '../../../worker/journal/journal-ports.ts';
import { type ReadJournal, readJournal } from '../../../worker/journal/journal-reader.ts';
import { SegmentWriter } from '../../../worker/journal/segment-writer.ts';
import { main } from '../../../worker/replay/main.ts';
import { replaySession } from '../../../worker/replay/session-replay.ts';

const config = loadEngineConfig(undefined);
const dir = mkdtempSync(join(tmpdir(), 'session-journal-'));
let journal: ReadJournal;
let fills = 0;
let writes = 0;
let journaledBoard = '';

beforeAll(async () => {
  let writer: SegmentWriter | null = null;
  const r = await runBacktest({
    strategy: 'ours',
    scenario: 'nba-quiet-evening',
    seed: 3,
    config,
    journal: (ports) => {
      writer = new SegmentWriter({ dir, now: () => ports.clock.now() });
      return journalPorts(ports, writer, { config });
    },
  });
  await (writer as SegmentWriter | null)?.close();
  journaledBoard = JSON.stringify({ score: scoreRun(r.record), ruler: r.ruler, stats: r.stats });
  fills = r.record.fills.length;
  writes = r.stats.writes;
  journal = readJournal(dir);
}, 180_000);

describe('replaySession', () => {
  it('journaling changes nothing in the run: the same scoreboard and event counts without it', async () => {
    const r = await runBacktest({ strategy: 'ours', scenario: 'nba-quiet-evening', seed: 3, config });
    expect(JSON.stringify({ score: scoreRun(r.record), ruler: r.ruler, stats: r.stats })).toBe(
      journaledBoard,
    );
  }, 180_000);

  it("replays a backtest's journal into the same decisions, in the same order, at the same times", async () => {
    expect(fills).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(0);
    expect(journal.badLines).toBe(0);
    expect(journal.segments).toBeGreaterThan(1);
    const r = await replaySession(journal.entries);
    expect(r.startError).toBeNull();
    expect(r.recordedDecisions).toBeGreaterThan(10);
    expect(r.decisions.map((d) => d.m)).toContain('createOrders');
    expect(r.decisions.map((d) => d.m)).toContain('flatten');
    expect(r.firstDifference).toBeNull();
    expect(r.same).toBe(true);
    expect(r.decisions).toHaveLength(r.recordedDecisions);
    expect(r.timeShifts).toEqual({ count: 0, maxMs: 0 });
    expect(r.divergences).toEqual({
      argumentMismatches: 0,
      extraCalls: 0,
      missingCalls: 0,
      timerMisses: 0,
      deferralMisses: 0,
    });
  }, 120_000);

  it('shows where a session that quotes differently first departs from the journal', async () => {
    const wider = gameQuoter({ params: { ...config.quoting, minEdge: config.quoting.minEdge + 30_000 } });
    const r = await replaySession(journal.entries, { quoter: wider });
    expect(r.same).toBe(false);
    const d = r.firstDifference!;
    expect(d.index).toBeGreaterThanOrEqual(0);
    // Discovery and subscriptions come before any quote: the first difference is an order decision.
    expect(['createOrders', 'amendOrder', 'decreaseOrder', 'cancelOrders']).toContain(
      (d.recorded ?? d.replayed)!.m,
    );
    expect(JSON.stringify(d.recorded)).not.toBe(JSON.stringify(d.replayed));
  }, 120_000);

  it('runs from the command line: `--journal DIR` prints the report, exit 0 when the decisions agree', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--journal', dir], {
      out: { write: (s: string) => out.push(s) },
      err: { write: (s: string) => err.push(s) },
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('')) as {
      same: boolean;
      decisions: number;
      recordedDecisions: number;
    };
    expect(report.same).toBe(true);
    expect(report.decisions).toBe(report.recordedDecisions);
  }, 120_000);
});
