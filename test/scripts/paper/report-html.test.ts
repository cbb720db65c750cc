import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReport, svgChart } from '../../../scripts/paper/report-html.ts';
import { type RunRecord, scoreRun } from '../../../scripts/paper/scoreboard.ts';

const empty: RunRecord = {
  strategy: 'x',
  startTime: 0,
  endTime: 1,
  games: [{ id: 'G', tickers: ['A'], limit: 100, stopTime: 1 }],
  fills: [],
  theo: {},
  inventory: [],
  ordersCreated: 0,
  quotedContracts: 0,
  writes: 0,
  requotes: 0,
  ordersAfterStop: 0,
  invariantViolations: 0,
  reconnects: 0,
  bookResyncs: 0,
  bookMismatches: 0,
};

describe('report.html', () => {
  it('has one scoreboard column per strategy, every metric row, and SVG charts; no scripts', () => {
    const html = renderReport({
      scenario: 'nba-quiet-evening.json',
      seed: 7,
      generatedAt: '2026-11-25T00:00:00Z',
      wallMs: 1234,
      scoreboard: { ours: scoreRun(empty), 'fixed-spread': scoreRun(empty), 'top-of-book': scoreRun(empty) },
      charts: [
        {
          title: 'PnL marked',
          unit: 'dollars',
          lines: [
            {
              label: 'ours',
              points: [
                [0, 0],
                [60_000, 1.5],
                [120_000, null],
                [180_000, 2],
              ],
            },
          ],
        },
      ],
    });
    expect(html).toContain('<th>ours</th><th>fixed-spread</th><th>top-of-book</th>');
    for (const label of [
      'PnL realised',
      'adverse sel.',
      'writes/requote',
      'book mismatches',
      'time at limit',
    ]) {
      expect(html).toContain(`<th>${label}</th>`);
    }
    expect(html).toContain('<svg');
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+M/); // null breaks the line
    expect(html).not.toContain('<script');
  });

  it('escapes names and draws an empty chart as "no data"', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(svgChart({ title: 'x<y', unit: 'cents', lines: [] })).toContain('no data');
    expect(svgChart({ title: 'x<y', unit: 'cents', lines: [] })).toContain('x&lt;y');
  });
});
