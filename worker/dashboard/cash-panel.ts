/**
 * The dashboard's cash panel: the worker's cash watch (worker/cash/cash-watch.ts) laid over any
 * dashboard source, so the session's snapshot stays the session's and the panel is fed by its own
 * state. A poll that failed shows the last good figures with the error, never zeros.
 */
import type { CashState } from '../cash/cash-watch.ts';
import type { CashPanelView, DashboardSource } from './view-model.ts';

/** What the panel needs of the cash watch. */
export interface CashSource {
  state(): CashState;
  onChange(listener: (s: CashState) => void): () => void;
}

export function cashPanelView(s: CashState): CashPanelView | null {
  if (!s.view) return null;
  const v = s.view;
  return {
    asOf: v.atMs,
    balance: v.balance,
    inPositions: v.inPositions,
    inOrders: v.inOrders,
    buyingPower: v.buyingPower,
    floor: v.floor,
    belowFloor: v.belowFloor,
    error: s.error?.message ?? null,
  };
}

/** `source` with the cash panel in its snapshot, pushed again after every cash poll. */
export function withCashPanel(source: DashboardSource, cash: CashSource): DashboardSource {
  return {
    snapshot: () => ({ ...source.snapshot(), cash: cashPanelView(cash.state()) }),
    subscribe(onChange: () => void) {
      const offSource = source.subscribe(onChange);
      const offCash = cash.onChange(() => onChange());
      return () => {
        offSource();
        offCash();
      };
    },
  };
}
