/**
 * `evaluation.html` of `npm run evaluate`: per scenario, truth-marked PnL per
 * strategy (mean ± 2 s.e. bars), the paired differences ours − baseline, the
 * markouts, and the truth's calibration (bucket win rate against the forecast,
 * with ± 2 s.e.). Plain inline SVG, no script.
 */
import type { ScenarioEvaluation } from '../sim/scenario/evaluation.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (x: number | null, d = 2) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(d));

/** Horizontal bars of mean ± 2 s.e., centred on zero. */
function barChart(rows: { label: string; mean: number; se: number | null }[]): string {
  const w = 520;
  const rowH = 22;
  const left = 150;
  const span = Math.max(0.01, ...rows.map((r) => Math.abs(r.mean) + 2 * (r.se ?? 0))) * 1.1;
  const x = (v: number) => left + ((v + span) / (2 * span)) * (w - left - 10);
  const body = rows
    .map((r, i) => {
      const y = 10 + i * rowH;
      const bar = `<rect x="${Math.min(x(0), x(r.mean))}" y="${y}" width="${Math.abs(x(r.mean) - x(0))}" height="12" fill="${r.mean >= 0 ? '#3fb950' : '#f85149'}"/>`;
      const err =
        r.se === null
          ? ''
          : `<line x1="${x(r.mean - 2 * r.se)}" x2="${x(r.mean + 2 * r.se)}" y1="${y + 6}" y2="${y + 6}" stroke="#d7dde5"/>`;
      return `<text x="4" y="${y + 11}">${esc(r.label)}</text>${bar}${err}<text x="${w - 4}" y="${y + 11}" class="end">${num(r.mean)}</text>`;
    })
    .join('');
  const h = 20 + rows.length * rowH;
  return `<svg width="${w}" height="${h}" role="img"><line x1="${x(0)}" x2="${x(0)}" y1="0" y2="${h}" stroke="#8b96a5"/>${body}</svg>`;
}

/** Calibration: forecast (x) against win rate (y), the diagonal, ± 2 s.e. per bucket. */
function calibrationChart(rows: ScenarioEvaluation['calibration']): string {
  const s = 220;
  const p = (v: number) => 20 + v * (s - 30);
  const q = (v: number) => s - 20 - v * (s - 30);
  const dots = rows
    .map(
      (r) =>
        `<line x1="${p(r.meanP)}" x2="${p(r.meanP)}" y1="${q(Math.min(1, r.winRate + 2 * r.se))}" y2="${q(Math.max(0, r.winRate - 2 * r.se))}" stroke="#8b96a5"/><circle cx="${p(r.meanP)}" cy="${q(r.winRate)}" r="3" fill="#58a6ff"><title>${r.lo.toFixed(1)}–${r.hi.toFixed(1)}: n ${r.n}, forecast ${r.meanP.toFixed(3)}, won ${r.winRate.toFixed(3)}</title></circle>`,
    )
    .join('');
  return `<svg width="${s}" height="${s}" role="img"><rect x="${p(0)}" y="${q(1)}" width="${p(1) - p(0)}" height="${q(0) - q(1)}" fill="none" stroke="#242b35"/><line x1="${p(0)}" y1="${q(0)}" x2="${p(1)}" y2="${q(1)}" stroke="#8b96a5" stroke-dasharray="3 3"/>${dots}<text x="${p(0.5)}" y="${s - 4}">forecast</text></svg>`;
}

export function evaluationHtml(doc: {
  generatedAt: string;
  seeds: number[];
  wallSeconds: number;
  jobs: number;
  failures: string[];
  scenarios: ScenarioEvaluation[];
}): string {
  const sections = doc.scenarios
    .map((e) => {
      const strategies = Object.entries(e.strategies);
      const table = `<table><tr><th>strategy</th><th>n</th><th>truth-marked $</th><th>edge $</th><th>markout 10s</th><th>markout 60s</th><th>markout 5m</th><th>settle luck $</th></tr>${strategies
        .map(
          ([n, s]) =>
            `<tr><th>${esc(n)}</th><td>${s.n}</td><td>${num(s.truthMarked.mean)} ± ${num(s.truthMarked.se)}</td><td>${num(s.edge.mean)}</td><td>${num(s.markout10s.mean)}</td><td>${num(s.markout60s.mean)}</td><td>${num(s.markout5m.mean)}</td><td>${num(s.settlementLuck.mean)} ± ${num(s.settlementLuck.se)}</td></tr>`,
        )
        .join('')}${Object.entries(e.paired)
        .map(
          ([n, d]) =>
            `<tr><th>ours − ${esc(n)}</th><td>${d.n}</td><td>${num(d.mean)} ± ${num(d.se)}</td><td colspan="5">t = ${num(d.t)}</td></tr>`,
        )
        .join('')}</table>`;
      const bars = barChart([
        ...strategies.map(([n, s]) => ({ label: n, mean: s.truthMarked.mean, se: s.truthMarked.se })),
        ...Object.entries(e.paired).map(([n, d]) => ({ label: `ours − ${n}`, mean: d.mean, se: d.se })),
      ]);
      return `<h2>${esc(e.scenario)} · ${e.seeds.length} seeds</h2>${table}<div class="charts"><figure>${bars}<figcaption>truth-marked PnL $, mean ± 2 s.e.</figcaption></figure><figure>${calibrationChart(e.calibration)}<figcaption>truth at the stop vs outcome (± 2 s.e.)</figcaption></figure></div>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>kalshi-mm evaluation</title>
<style>
body{margin:0;padding:16px 20px;background:#0e1116;color:#d7dde5;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
h1{font-size:16px;margin:0 0 4px}h2{font-size:13px;color:#8b96a5;text-transform:uppercase;margin:18px 0 6px}
table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #242b35;text-align:right}th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}figure{margin:0;background:#161b22;border:1px solid #2a313c;padding:6px}
svg text{fill:#8b96a5;font:11px ui-monospace,monospace}svg .end{text-anchor:end}figcaption{font-size:11px;color:#8b96a5}
</style></head><body>
<h1>kalshi-mm evaluation</h1>
<div>${esc(doc.generatedAt)} · seeds ${esc(doc.seeds.length > 3 ? `${doc.seeds[0]}–${doc.seeds.at(-1)}` : doc.seeds.join(','))} · ${doc.wallSeconds} s on ${doc.jobs} jobs${doc.failures.length ? ` · <b>${doc.failures.length} failed</b>` : ''}</div>
<p>Truth-marked PnL: fills against the scenario's true probability, inventory marked at the truth at each game's stop (edge + drift while held); settlement luck apart. Paired differences are by seed (every strategy sees the same world); |t| ≥ 2 is the usual bar.</p>
${sections}
</body></html>
`;
}
