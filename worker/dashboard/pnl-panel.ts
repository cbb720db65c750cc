/**
 * The dashboard's trading-day PnL panel: the day PnL watch (worker/cash/day-pnl-watch.ts), built
 * from the stored fills and settlements, laid over any dashboard source — the same figures as
 * `npm run report`.
 */
import type { DayPnlState } from '../cash/day-pnl-watch.ts';
import type { DashboardSource, DayPnlPanelView } from './view-model.ts';

export interface DayPnlSource {
  state(): DayPnlState;
  onChange(listener: (s: DayPnlState) => void): () => void;
}

export function dayPnlPanelView(s: DayPnlState): DayPnlPanelView | null {
  const r = s.report;
  if (!r) return null;
  return {
    day: r.day,
    asOf: r.generatedAt,
    realised: r.realised,
    trades: r.trades,
    settlements: r.settlements,
    fees: r.fees,
    drawdown: r.drawdown,
    bySport: r.bySport.map((x) => ({
      sport: x.sport,
      games: x.games,
      realised: x.realised,
      trades: x.trades,
      settlements: x.settlements,
      fees: x.fees,
    })),
    open: r.open.length,
    error: s.error?.message ?? null,
  };
}

/** `source` with the day's PnL in its snapshot, pushed again after every rebuild. */
export function withDayPnlPanel(source: DashboardSource, pnl: DayPnlSource): DashboardSource {
  return {
    snapshot: () => ({ ...source.snapshot(), pnlDay: dayPnlPanelView(pnl.state()) }),
    subscribe(onChange: () => void) {
      const offSource = source.subscribe(onChange);
      const offPnl = pnl.onChange(() => onChange());
      return () => {
        offSource();
        offPnl();
      };
    },
  };
}
