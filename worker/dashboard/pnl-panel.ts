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
    marked: r.marked,
    unpriced: r.unpriced,
    calibration: r.calibration && {
      games: r.calibration.games,
      unresolved: r.calibration.unresolved,
      scores: [
        { against: 'theo', markets: r.calibration.markets, brier: r.calibration.brier },
        {
          against: 'pinnacle',
          markets: r.calibration.books.pinnacle.markets,
          brier: r.calibration.books.pinnacle.brier,
        },
        {
          against: 'average',
          markets: r.calibration.books.average.markets,
          brier: r.calibration.books.average.brier,
        },
      ],
      table: r.calibration.table.map(({ lo, hi, n, meanP, winRate }) => ({ lo, hi, n, meanP, winRate })),
    },
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
