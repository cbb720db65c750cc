import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTheoCli } from '../../../shared/odds/theo-cli.ts';
import { ladder } from '../../../shared/pricing/strike-report.ts';

const path = (name: string) => new URL(`../../fixtures/odds/${name}`, import.meta.url).pathname;

interface Row {
  market: string;
  query: { threshold: number };
  probability?: number;
  wideEdge?: boolean;
  extraEdgeCents?: number;
  keyNumbersCrossed?: number[];
  fittedFrom?: string[];
  status?: string;
  reason?: string;
}
interface Doc {
  events: {
    id: string;
    strikes?: {
      winnerError: number | null;
      margin: {
        status: string;
        reason?: string;
        withinVig?: number;
        lines?: number;
        model?: string;
        keyWeights?: Record<string, number>;
        keyStrength?: number;
      };
      total: { status: string; reason?: string };
      droppedLines: { book: string; reason: string }[];
      spreads: Row[];
      totals: Row[];
    };
  }[];
}

function run(...files: string[]): Doc {
  let out = '';
  const code = runTheoCli(['--as-of', '2026-01-20T18:05:00Z', ...files.map(path)], {
    readFile: (p) => readFileSync(p, 'utf8'),
    now: () => 0,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      throw new Error(t);
    },
  });
  expect(code).toBe(0);
  return JSON.parse(out) as Doc;
}

describe('npm run theo on saved h2h,spreads,totals responses', () => {
  it('prints a theo per strike with its fitted-from lines and wider-edge flags', () => {
    const doc = run('basketball_nba_event_odds_alternates.json');
    const s = doc.events[0]!.strikes!;
    expect(s.winnerError!).toBeLessThan(0.005);
    expect(s.margin).toMatchObject({ status: 'fitted', withinVig: s.margin.lines });
    expect(s.total.status).toBe('fitted');
    expect(s.droppedLines).toContainEqual(
      expect.objectContaining({ book: 'bovada', reason: 'contradicts-moneyline' }),
    );
    expect(s.spreads.length).toBeGreaterThan(10);
    for (const row of [...s.spreads, ...s.totals]) {
      expect(row.probability).toBeGreaterThan(0);
      expect(row.fittedFrom!.length).toBeGreaterThan(0);
    }
    // the ladder's outer strikes are beyond every line: wider edge there, none in the middle
    expect(s.spreads.at(-1)!.wideEdge).toBe(true);
    expect(s.spreads.find((r) => r.market === 'Boston Celtics wins by over 7.5')!.wideEdge).toBe(false);
    // home-margin ladder: "home wins by over s" falls as s rises
    const home = s.spreads.filter((r) => r.market.startsWith('Boston'));
    for (let i = 1; i < home.length; i++)
      expect(home[i]!.probability!).toBeLessThan(home[i - 1]!.probability!);
  });

  it('NFL: the key-number margin prices a strike across a key number from every line, wider, and says which', () => {
    const doc = run('americanfootball_nfl_odds_h2h_spreads_totals_american.json');
    for (const e of doc.events) {
      const s = e.strikes!;
      expect(s.winnerError!).toBeLessThan(0.005);
      expect(s.margin).toMatchObject({ status: 'fitted', model: 'key-numbers', withinVig: s.margin.lines });
      expect(Object.keys(s.margin.keyWeights!)).toEqual(['3', '4', '6', '7', '10', '14']);
      expect(s.margin.keyStrength).toBe(1); // one spread strike: κ stays the prior
      // no strike refused: those across 3, 7, 10 or 14 from the main line are priced wider
      expect(s.spreads.every((r) => r.status === undefined && r.probability! > 0)).toBe(true);
      const across = s.spreads.filter((r) => r.keyNumbersCrossed!.length > 0);
      expect(across.length).toBeGreaterThan(0);
      for (const r of across) {
        expect(r.wideEdge).toBe(true);
        expect(r.extraEdgeCents!).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('prints refusals with their reasons', () => {
    const doc = run('basketball_nba_odds_lines_edge_cases.json');
    const [poor, noTotals] = doc.events.map((e) => e.strikes!);
    expect(['poor-fit', 'sd-at-bound']).toContain(poor!.margin.reason);
    expect(poor!.spreads).toEqual([]);
    expect(noTotals!.total).toMatchObject({ status: 'refused', reason: 'no-lines' });
  });

  it('a winner-only response prints no strikes (output unchanged)', () => {
    const doc = run('basketball_nba_odds_h2h_american.json');
    expect(doc.events.every((e) => e.strikes === undefined)).toBe(true);
  });
});

describe('ladder', () => {
  it('half-point strikes about σ/4 apart across μ ± 2σ', () => {
    const l = ladder(7.5, 12);
    expect(l.every((s) => s % 1 === 0.5 || s % 1 === -0.5)).toBe(true);
    expect(l[1]! - l[0]!).toBe(3);
    expect(l[0]!).toBeLessThanOrEqual(7.5 - 2 * 12 + 3);
    expect(l.at(-1)!).toBeGreaterThanOrEqual(7.5 + 2 * 12 - 3);
  });
});
