/**
 * `report.html` of `npm run simulate`: the scoreboard table (ours against the
 * baselines) and line charts drawn as inline SVG, so the file is one
 * self-contained document that opens from disk with no scripts at all.
 */
import type { Scoreboard, StrategyScore } from './scoreboard.ts';

export interface Line {
  label: string;
  /** [time ms, value] pairs, time ascending; null values break the line. */
  points: readonly (readonly [number, number | null])[];
  color?: string;
  dashed?: boolean;
}

export interface Chart {
  title: string;
  lines: Line[];
  /** Formats a y value for the axis. */
  unit: 'dollars' | 'contracts' | 'cents';
}

export interface ReportInput {
  scenario: string;
  seed: number | null;
  generatedAt: string;
  wallMs: number;
  scoreboard: Scoreboard;
  charts: Chart[];
  notes?: string[];
}

const PALETTE = ['#58a6ff', '#3fb950', '#f0883e', '#d2a8ff', '#f85149', '#e3b341', '#8b96a5'];

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function fmt(unit: Chart['unit'], v: number): string {
  if (unit === 'dollars') return `${v < 0 ? '−' : ''}$${Math.abs(v).toFixed(2)}`;
  if (unit === 'cents') return `${(v * 100).toFixed(0)}¢`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function niceTicks(min: number, max: number, count = 4): number[] {
  if (min === max) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export function svgChart(chart: Chart, width = 560, height = 220): string {
  const pad = { l: 64, r: 12, t: 24, b: 28 };
  const all = chart.lines.flatMap((l) => l.points.filter((p) => p[1] !== null)) as [number, number][];
  const title = `<text x="${pad.l}" y="15" class="ct">${escapeHtml(chart.title)}</text>`;
  if (all.length === 0) {
    return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${title}<text x="${width / 2}" y="${height / 2}" class="empty">no data</text></svg>`;
  }
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]));
  let y0 = Math.min(...all.map((p) => p[1]));
  let y1 = Math.max(...all.map((p) => p[1]));
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const x = (t: number) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.l - pad.r);
  const y = (v: number) => height - pad.b - ((v - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  const grid = niceTicks(y0, y1)
    .map(
      (v) =>
        `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="g"/>` +
        `<text x="${pad.l - 6}" y="${(y(v) + 4).toFixed(1)}" class="yl">${escapeHtml(fmt(chart.unit, v))}</text>`,
    )
    .join('');
  const minutes = (t1 - t0) / 60_000;
  const xl =
    `<text x="${pad.l}" y="${height - 8}" class="xl">0</text>` +
    `<text x="${width - pad.r}" y="${height - 8}" class="xl end">${minutes.toFixed(minutes < 10 ? 1 : 0)} min</text>`;
  const paths = chart.lines
    .map((line, i) => {
      let d = '';
      let pen = false;
      for (const [t, v] of line.points) {
        if (v === null) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      }
      const color = line.color ?? PALETTE[i % PALETTE.length];
      return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"${line.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
    })
    .join('');
  const legend = chart.lines
    .map((line, i) => {
      const color = line.color ?? PALETTE[i % PALETTE.length];
      return `<span class="key"><i style="background:${color}"></i>${escapeHtml(line.label)}</span>`;
    })
    .join('');
  return `<figure><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(chart.title)}">${title}${grid}${xl}${paths}</svg><figcaption>${legend}</figcaption></figure>`;
}

const usd = (v: number) => `${v < 0 ? '−' : ''}$${Math.abs(v).toFixed(2)}`;

const COLUMNS: [keyof StrategyScore, string, (v: number) => string][] = [
  ['pnl_realized', 'PnL realised', (v) => usd(v)],
  ['pnl_marked', 'PnL marked', (v) => usd(v)],
  ['fees', 'fees', (v) => usd(v)],
  ['fills', 'fills', String],
  ['fills_bid', 'bid fills', String],
  ['fills_ask', 'ask fills', String],
  ['contracts_traded', 'contracts', String],
  ['orders_created', 'orders created', String],
  ['fill_rate', 'fill rate (contracts)', (v) => v.toFixed(3)],
  ['max_abs_inventory', 'max |inv|', String],
  ['inventory_limit', 'limit', String],
  ['time_at_limit_share', 'time at limit', (v) => `${(v * 100).toFixed(1)}%`],
  ['adverse_selection', 'adverse sel.', (v) => usd(v)],
  ['writes_per_requote', 'writes/requote', (v) => v.toFixed(2)],
  ['orders_after_stop', 'orders after stop', String],
  ['invariant_violations', 'invariant violations', String],
  ['reconnects', 'reconnects', String],
  ['book_resyncs', 'book resyncs', String],
  ['book_mismatches', 'book mismatches', String],
];

export function renderReport(input: ReportInput): string {
  const names = Object.keys(input.scoreboard);
  const head = `<tr><th>metric</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>`;
  const rows = COLUMNS.map(([key, label, f]) => {
    const cells = names.map((n) => {
      const v = input.scoreboard[n]![key];
      const bad =
        (key === 'orders_after_stop' || key === 'invariant_violations' || key === 'book_mismatches') && v > 0;
      return `<td class="${bad ? 'bad' : ''}">${escapeHtml(f(v))}</td>`;
    });
    return `<tr><th>${escapeHtml(label)}</th>${cells.join('')}</tr>`;
  }).join('\n');
  const notes = (input.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>kalshi-mm simulation · ${escapeHtml(input.scenario)}</title>
<style>
body{margin:0;padding:16px 20px;background:#0e1116;color:#d7dde5;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
h1{font-size:16px;margin:0 0 4px}h2{font-size:13px;color:#8b96a5;text-transform:uppercase;letter-spacing:.06em;margin:18px 0 6px}
.meta{color:#8b96a5}table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #242b35;text-align:right}
th:first-child{text-align:left;color:#8b96a5;font-weight:400}thead th{color:#d7dde5}td.bad{color:#f85149;font-weight:700}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;background:#161b22;border:1px solid #2a313c;border-radius:4px;padding:6px}
svg text{fill:#8b96a5;font:11px ui-monospace,monospace}svg .ct{fill:#d7dde5}svg .yl{text-anchor:end}svg .end{text-anchor:end}
svg .g{stroke:#242b35}svg .empty{text-anchor:middle}figcaption{font-size:11px;color:#8b96a5}
.key{margin-right:10px}.key i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
</style></head><body>
<h1>Simulation report · ${escapeHtml(input.scenario)}</h1>
<div class="meta">seed ${input.seed ?? 'scenario default'} · generated ${escapeHtml(input.generatedAt)} · wall time ${(input.wallMs / 1000).toFixed(1)} s</div>
<h2>scoreboard</h2>
<table><thead>${head}</thead><tbody>
${rows}
</tbody></table>
${notes ? `<h2>notes</h2><ul>${notes}</ul>` : ''}
<h2>charts</h2>
<div class="charts">${input.charts.map((c) => svgChart(c)).join('\n')}</div>
</body></html>
`;
}
