/**
 * The dashboard's edge panel: the fill-edge tracker's rolling tables (worker/cash/fill-edge.ts)
 * laid over any dashboard source, pushed again at each fill and markout. Per contract figures are
 * rounded to whole Micros for the view.
 */
import type { EdgeRow } from '../../shared/pnl/markout.ts';
import type { EdgeTables } from '../cash/fill-edge.ts';
import type { DashboardSource, EdgePanelView } from './view-model.ts';

export interface EdgeSource {
  tables(): EdgeTables;
  onChange(listener: () => void): () => void;
}

const r = (x: number | null) => (x === null ? null : Math.round(x));
const row = (e: EdgeRow) => ({
  key: e.key,
  fills: e.fills,
  contracts: e.contracts,
  edge: { theo: r(e.edge.theo), mid: r(e.edge.mid) },
  markout: {
    '10s': { theo: r(e.markout['10s'].theo), mid: r(e.markout['10s'].mid) },
    '60s': { theo: r(e.markout['60s'].theo), mid: r(e.markout['60s'].mid) },
    '5m': { theo: r(e.markout['5m'].theo), mid: r(e.markout['5m'].mid) },
  },
});

export function edgePanelView(t: EdgeTables): EdgePanelView {
  return {
    all: t.all ? row(t.all) : null,
    bySport: t.bySport.map(row),
    byMode: t.byMode.map(row),
    bySize: t.bySize.map(row),
  };
}

/** `source` with the edge panel in its snapshot, pushed again after every fill and markout. */
export function withEdgePanel(source: DashboardSource, edge: EdgeSource): DashboardSource {
  return {
    snapshot: () => ({ ...source.snapshot(), edge: edgePanelView(edge.tables()) }),
    subscribe(onChange: () => void) {
      const offSource = source.subscribe(onChange);
      const offEdge = edge.onChange(onChange);
      return () => {
        offSource();
        offEdge();
      };
    },
  };
}
