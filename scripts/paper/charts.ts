/** The time series a simulated run keeps for report.html, and the charts built from them. */
import type { Chart } from './report-html.ts';

export interface PricePoint {
  t: number;
  theo: number | null;
  ourBid: number | null;
  ourAsk: number | null;
  bestBid: number | null;
  bestAsk: number | null;
}

export interface ChartLineSet {
  /** [t, marked PnL in dollars] */
  pnl: [number, number][];
  /** [t, Σ |inventory| over games, contracts] */
  inventory: [number, number][];
  /** First game's first market, YES scale: theo as probability, prices in Micros. */
  price: PricePoint[];
}

const prob = (micros: number | null) => (micros === null ? null : micros / 1_000_000);

export function reportCharts(runs: readonly { strategy: string; lines: ChartLineSet }[]): Chart[] {
  const charts: Chart[] = [
    {
      title: 'PnL marked to theo ($)',
      unit: 'dollars',
      lines: runs.map((r) => ({ label: r.strategy, points: r.lines.pnl })),
    },
    {
      title: 'Σ |inventory| over games (contracts)',
      unit: 'contracts',
      lines: runs.map((r) => ({ label: r.strategy, points: r.lines.inventory })),
    },
  ];
  for (const r of runs) {
    // The quoting window only: from the start to a little after our last quote.
    let last = -1;
    r.lines.price.forEach((x, i) => {
      if (x.ourBid !== null || x.ourAsk !== null) last = i;
    });
    const p = last < 0 ? r.lines.price : r.lines.price.slice(0, last + 25);
    charts.push({
      title: `${r.strategy}: first market — theo vs our quotes vs best bid/ask`,
      unit: 'cents',
      lines: [
        { label: 'theo', points: p.map((x) => [x.t, x.theo] as const), color: '#58a6ff' },
        { label: 'our bid', points: p.map((x) => [x.t, prob(x.ourBid)] as const), color: '#3fb950' },
        { label: 'our ask', points: p.map((x) => [x.t, prob(x.ourAsk)] as const), color: '#f0883e' },
        {
          label: 'best bid',
          points: p.map((x) => [x.t, prob(x.bestBid)] as const),
          color: '#2b6e3a',
          dashed: true,
        },
        {
          label: 'best ask',
          points: p.map((x) => [x.t, prob(x.bestAsk)] as const),
          color: '#8a5326',
          dashed: true,
        },
      ],
    });
  }
  return charts;
}
