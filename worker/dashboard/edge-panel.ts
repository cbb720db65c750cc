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

type EdgeRowView = NonNullable<EdgePanelView['all']>;
type Refs = EdgeRowView['edge'];

/**
 * The shards' edge panels as one (the operator's dashboard): rows of one key added up, each figure
 * weighted by the contracts of the shards that have it. A shard whose figure is missing adds no
 * weight to it — an approximation, since within a shard a missing reference leaves out only
 * some of its fills.
 */
export function mergeEdgeViews(views: readonly EdgePanelView[]): EdgePanelView {
  const merge = (rows: readonly EdgeRowView[]): EdgeRowView => {
    const mean = (pick: (r: EdgeRowView) => number | null): number | null => {
      let w = 0;
      let sum = 0;
      for (const r of rows) {
        const v = pick(r);
        if (v === null || r.contracts <= 0) continue;
        w += r.contracts;
        sum += v * r.contracts;
      }
      return w > 0 ? Math.round(sum / w) : null;
    };
    const refs = (pick: (r: EdgeRowView) => Refs): Refs => ({
      theo: mean((r) => pick(r).theo),
      mid: mean((r) => pick(r).mid),
    });
    return {
      key: rows[0]!.key,
      fills: rows.reduce((s, r) => s + r.fills, 0),
      contracts: rows.reduce((s, r) => s + r.contracts, 0),
      edge: refs((r) => r.edge),
      markout: {
        '10s': refs((r) => r.markout['10s']),
        '60s': refs((r) => r.markout['60s']),
        '5m': refs((r) => r.markout['5m']),
      },
    };
  };
  const byKey = (pick: (v: EdgePanelView) => readonly EdgeRowView[]) => {
    const groups = new Map<string, EdgeRowView[]>();
    for (const v of views) for (const r of pick(v)) groups.set(r.key, [...(groups.get(r.key) ?? []), r]);
    return [...groups.values()].map(merge).sort((a, b) => a.key.localeCompare(b.key));
  };
  const all = views.flatMap((v) => (v.all ? [v.all] : []));
  return {
    all: all.length > 0 ? merge(all) : null,
    bySport: byKey((v) => v.bySport),
    byMode: byKey((v) => v.byMode),
    bySize: byKey((v) => v.bySize),
  };
}
