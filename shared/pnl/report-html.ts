/**
 * The daily PnL report as one self-contained HTML page: totals, the cumulative realised curve as
 * inline SVG (no script), per sport, per game and open positions. Every text is escaped (tickers
 * come from the exchange).
 */
import type { CalibrationRow } from './calibration.ts';
import type { BookCalibration, DayReport } from './day-report.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
const usd = (micros: number) => `${micros < 0 ? '−' : ''}$${(Math.abs(micros) / 1_000_000).toFixed(2)}`;
const cls = (micros: number) => (micros < 0 ? 'neg' : 'pos');
const money = (m: number) => `<td class="num ${cls(m)}">${usd(m)}</td>`;

function curveSvg(curve: DayReport['curve']): string {
  if (curve.length === 0) return '<p class="muted">No realised PnL this day.</p>';
  const W = 720;
  const H = 200;
  const xs = curve.map(([t]) => t);
  const ys = [0, ...curve.map(([, v]) => v)];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = (t: number) => (x1 === x0 ? W / 2 : ((t - x0) / (x1 - x0)) * (W - 20) + 10);
  const y = (v: number) => (y1 === y0 ? H / 2 : H - 10 - ((v - y0) / (y1 - y0)) * (H - 20));
  // A step line: realised PnL changes only when money arrives.
  let d = `M${x(xs[0]!).toFixed(1)},${y(0).toFixed(1)}`;
  for (const [t, v] of curve) d += ` H${x(t).toFixed(1)} V${y(v).toFixed(1)}`;
  return `<svg role="img" aria-label="cumulative realised PnL" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
<line x1="0" x2="${W}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" class="axis"/>
<path d="${d}" class="curve"/>
<text x="4" y="14">${usd(y1)}</text><text x="4" y="${H - 2}">${usd(y0)}</text>
</svg>`;
}

const brier = (b: number | null) => (b === null ? '–' : b.toFixed(4));

function calibrationRows(table: CalibrationRow[]): string {
  if (table.length === 0) return '<p class="muted">No market with a result.</p>';
  const rows = table
    .map(
      (b) =>
        `<tr><td>${(b.lo * 100).toFixed(0)}–${(b.hi * 100).toFixed(0)} %</td><td class="num">${b.n}</td><td class="num">${(b.meanP * 100).toFixed(1)} %</td><td class="num">${(b.winRate * 100).toFixed(1)} %</td><td class="num">${b.z === null ? '–' : b.z.toFixed(2)}</td></tr>`,
    )
    .join('\n');
  return `<table><tr><th>p</th><th>markets</th><th>mean p</th><th>won</th><th>z</th></tr>\n${rows}</table>`;
}

function calibrationHtml(r: DayReport): string {
  const c = r.calibration;
  if (!c) return '<p class="muted">The record keeps no theo at the stop.</p>';
  const { pinnacle, average } = c.books;
  const column = (
    title: string,
    id: string,
    markets: number,
    b: number | null,
    table: CalibrationRow[],
    note: string,
  ) =>
    `<div class="col" data-testid="calibration-${id}"><h3>${title}</h3><p>${markets} markets · Brier <b data-testid="brier-${id}">${brier(b)}</b>${note}</p>${calibrationRows(table)}</div>`;
  const vs = (x: BookCalibration) =>
    x.markets === 0 ? ' (not recorded)' : ` (our theo on these: ${brier(x.theoBrier)})`;
  return `<p data-testid="calibration">${c.games} games stopped ${r.calibrationPeriod.from === r.calibrationPeriod.to ? 'this day' : `from ${esc(r.calibrationPeriod.from)} to ${esc(r.calibrationPeriod.to)}`}; ${c.markets} markets with a theo and a result${c.unresolved > 0 ? `, ${c.unresolved} waiting for their result (left out)` : ''}. Brier score: 0 perfect, 0.25 = always 50 %; lower is better. Each book column covers the markets whose stop record keeps that book.</p>
<div class="cols">
${column('our theo', 'theo', c.markets, c.brier, c.table, '')}
${column('Pinnacle alone', 'pinnacle', pinnacle.markets, pinnacle.brier, pinnacle.table, vs(pinnacle))}
${column('plain average of books', 'average', average.markets, average.brier, average.table, vs(average))}
</div>`;
}

export function dayReportHtml(r: DayReport): string {
  const split = (s: { realised: number; trades: number; settlements: number; fees: number }) =>
    `${money(s.realised)}${money(s.trades)}${money(s.settlements)}${money(s.fees)}`;
  const sports = r.bySport
    .map((s) => `<tr><td>${esc(s.sport)}</td><td class="num">${s.games}</td>${split(s)}</tr>`)
    .join('\n');
  const games = r.byGame
    .map((g) => `<tr><td>${esc(g.eventTicker)}</td><td>${esc(g.sport)}</td>${split(g)}</tr>`)
    .join('\n');
  const open = r.open
    .map(
      (p) =>
        `<tr><td>${esc(p.ticker)}</td><td class="num">${(p.position / 100).toFixed(2)}</td><td class="num">${(p.averagePrice / 10_000).toFixed(1)}¢</td>${p.marked === null ? '<td class="muted">no theo</td>' : money(p.marked)}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kalshi-mm · PnL ${esc(r.day)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}
table{border-collapse:collapse;margin:8px 0 20px}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.pos{color:#1a7f37}.neg{color:#cf222e}.muted{color:#777}
.cols{display:flex;gap:24px;flex-wrap:wrap}.col h3{margin:4px 0}.curve{fill:none;stroke:#0969da;stroke-width:2}.axis{stroke:#999;stroke-dasharray:4 3}svg text{font-size:11px;fill:#555}
</style></head><body>
<h1>PnL for trading day ${esc(r.day)}</h1>
<p class="muted">Trading day from 10:00 UTC. Realised PnL includes the settlement wave and fees, from the stored record (fills and settlements). Generated ${esc(new Date(r.generatedAt).toISOString())}.</p>
<table data-testid="totals"><tr><th>realised</th><th>trades</th><th>settlements</th><th>fees</th><th>drawdown</th><th>marked (open, at theo)</th><th>games</th><th>fills</th><th>settlements</th></tr>
<tr>${split(r)}<td class="num neg">${usd(-r.drawdown)}</td>${money(r.marked)}<td class="num">${r.counts.games}</td><td class="num">${r.counts.fills}</td><td class="num">${r.counts.settlements}</td></tr></table>
<h2>Cumulative realised PnL</h2>
${curveSvg(r.curve)}
<h2>Per sport</h2>
<table><tr><th>sport</th><th>games</th><th>realised</th><th>trades</th><th>settlements</th><th>fees</th></tr>
${sports}</table>
<h2>Per game</h2>
<table data-testid="games"><tr><th>game</th><th>sport</th><th>realised</th><th>trades</th><th>settlements</th><th>fees</th></tr>
${games}</table>
<h2>Open positions</h2>
${r.unpriced > 0 ? `<p class="muted" data-testid="unpriced">${r.unpriced} open position${r.unpriced === 1 ? '' : 's'} without a theo: left out of the marked total.</p>` : ''}
${r.open.length === 0 ? '<p class="muted">None.</p>' : `<table data-testid="open"><tr><th>market</th><th>contracts (+YES)</th><th>average</th><th>marked</th></tr>\n${open}</table>`}
<h2>Theo at the stop against outcomes</h2>
${calibrationHtml(r)}
${r.rejected > 0 ? `<p class="neg">${r.rejected} record entries could not have happened (a fill after its market settled) and were not priced.</p>` : ''}
</body></html>
`;
}
