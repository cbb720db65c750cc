/**
 * The deployed system as the trader's dashboard sees it: every shard's and
 * game's live snapshot (published by the workers, shared/store/live-snapshot.ts),
 * the shards' leases, the kill and pause flags and the open CloudWatch alarms,
 * merged into the same view model the worker's own dashboard shows. Polled
 * every few seconds. Actions: kill and resume go through the kill-switch
 * Lambda (audited there); pause and resume of one game through the store's
 * flags, as operations set them.
 */
import type { Lease } from '../../shared/store/leases.ts';
import type { LiveSnapshotRecord } from '../../shared/store/live-snapshot.ts';
import { mergeEdgeViews } from '../../worker/dashboard/edge-panel.ts';
import {
  type LiveGame,
  type LiveShard,
  zLiveGame,
  zLiveShard,
} from '../../worker/dashboard/live-publisher.ts';
import type {
  Alert,
  DashboardActions,
  DashboardSource,
  DashboardState,
  FillView,
  GameView,
  ShardView,
} from '../../worker/dashboard/view-model.ts';

/** What the kill-switch Lambda accepts by hand (functions/kill-switch.ts). */
export type KillSwitchRequest =
  | { action: 'kill'; reason: string; requestedBy: string }
  | { action: 'clear'; requestedBy: string; confirm: 'RESUME-TRADING' };

/** Invokes the kill-switch Lambda (the real one, or a local stand-in); resolves once it has answered. */
export type KillSwitchInvoker = (request: KillSwitchRequest) => Promise<void>;

export interface OpenAlarm {
  name: string;
  reason: string;
  since: number;
}

export interface Flag {
  scope: string;
  kind: 'kill' | 'pause';
  reason: string;
  since: number;
}

export interface DeskPorts {
  live: { list(now: number): Promise<LiveSnapshotRecord[]> };
  leases: { current(shardId: string): Promise<Lease | null> };
  flags: {
    active(): Promise<readonly Flag[]>;
    set(scope: { game: string }, kind: 'pause', reason: string, setBy: string, now: number): Promise<unknown>;
    clear(scope: { game: string }, clearedBy: string, now: number): Promise<void>;
  };
  /** Alarms in ALARM state; null when alarms are not readable (local stage). */
  alarms: (() => Promise<OpenAlarm[]>) | null;
  killSwitch: KillSwitchInvoker;
  now: () => number;
  /** Who is acting: recorded in the kill switch's audit and on flags. */
  operator: string;
  stage: string;
  log?: (entry: Record<string, unknown>) => void;
}

/** A shard whose last snapshot is older than this is reported (the worker publishes every 5 s). */
export const HEARTBEAT_STALE_MS = 30_000;
const MAX_FILLS = 200;
const MAX_ALERTS = 50;

const ORDER = { down: 0, connecting: 1, connected: 2 } as const;

/** Pure: the merged view from the parts read. */
export function mergeView(input: {
  now: number;
  stage: string;
  shards: { record: LiveSnapshotRecord; body: LiveShard; lease: Lease | null }[];
  games: { record: LiveSnapshotRecord; body: LiveGame }[];
  flags: readonly Flag[];
  alarms: OpenAlarm[] | null;
}): DashboardState {
  const { now } = input;
  const globalKill = input.flags.find((f) => f.scope === 'global' && f.kind === 'kill');
  const paused = new Set(
    input.flags.filter((f) => f.kind === 'pause' && f.scope !== 'global').map((f) => f.scope),
  );
  const bodies = input.shards.map((s) => s.body);
  const killedShard = bodies.find((b) => b.killed);
  const alerts: Alert[] = [];
  for (const a of input.alarms ?? [])
    alerts.push({ time: a.since, level: 'error', message: `ALARM ${a.name}: ${a.reason}` });
  if (input.alarms === null)
    alerts.push({ time: now, level: 'info', message: 'CloudWatch alarms not read on this stage' });
  for (const s of input.shards) {
    const age = now - s.record.publishedAt;
    if (age > HEARTBEAT_STALE_MS)
      alerts.push({
        time: s.record.publishedAt,
        level: 'warn',
        message: `shard ${s.record.id}: no heartbeat for ${Math.round(age / 1000)} s`,
      });
    if (!s.lease || s.lease.expiresAt <= now)
      alerts.push({ time: now, level: 'warn', message: `shard ${s.record.id}: lease not held` });
    for (const a of s.body.alerts) alerts.push({ ...a, message: `shard ${s.record.id}: ${a.message}` });
  }
  if (input.shards.length === 0)
    alerts.push({
      time: now,
      level: 'warn',
      message: `no worker shard has published on stage ${input.stage}`,
    });
  alerts.sort((a, b) => b.time - a.time);

  const games: GameView[] = input.games
    .map(({ body }) => {
      const g = body.game;
      // The store's pause flag shows at once, before the worker's next snapshot.
      return paused.has(g.id) && g.state !== 'killed'
        ? { ...g, state: 'paused', reasons: ['paused-by-operator'] }
        : g;
    })
    .sort((a, b) => a.startTime - b.startTime || a.id.localeCompare(b.id));
  const fills: FillView[] = input.games
    .flatMap((g) => g.body.fills)
    .sort((a, b) => b.time - a.time)
    .slice(0, MAX_FILLS);
  const shards: ShardView[] = input.shards
    .map((s) => ({
      shardId: s.record.id,
      heartbeatAt: s.record.publishedAt,
      lease: s.lease ? { owner: s.lease.owner, token: s.lease.token, expiresAt: s.lease.expiresAt } : null,
    }))
    .sort((a, b) => a.shardId.localeCompare(b.shardId, undefined, { numeric: true }));
  const worst = bodies.reduce<DashboardState['connection'] | null>(
    (w, b) => (w === null || ORDER[b.connection.ws] < ORDER[w.ws] ? b.connection : w),
    null,
  );
  const sum = (f: (b: LiveShard) => number) => bodies.reduce((n, b) => n + f(b), 0);
  const killed = globalKill !== undefined || killedShard !== undefined;
  return {
    now,
    mode: bodies[0]?.mode ?? 'live',
    venue: bodies[0]?.venue ?? input.stage,
    killed,
    killPhase: killed ? (killedShard?.killPhase ?? 'flag set') : null,
    killReason: killed ? (globalKill?.reason ?? killedShard?.killReason ?? null) : null,
    connection: worst ?? { ws: 'down', since: null, reconnects: 0, bookResyncs: 0, rateLimited: 0 },
    reconciliation: {
      lastDriftAt: bodies.reduce<number | null>(
        (t, b) =>
          b.reconciliation.lastDriftAt !== null && (t === null || b.reconciliation.lastDriftAt > t)
            ? b.reconciliation.lastDriftAt
            : t,
        null,
      ),
      drift: sum((b) => b.reconciliation.drift),
      corrections: sum((b) => b.reconciliation.corrections),
      runs: sum((b) => b.reconciliation.runs),
    },
    games,
    fills,
    alerts: alerts.slice(0, MAX_ALERTS),
    shards,
    // One account behind every shard: the freshest reading (no panel when no shard watches cash).
    ...(bodies.some((b) => b.cash !== undefined)
      ? {
          cash: bodies.reduce<DashboardState['cash']>(
            (c, b) => (b.cash && (!c || b.cash.asOf > c.asOf) ? b.cash : c),
            null,
          ),
        }
      : {}),
    // Each shard tracks the edge of its own fills: one panel, contract-weighted.
    ...(bodies.some((b) => b.edge !== undefined)
      ? { edge: mergeEdgeViews(bodies.flatMap((b) => (b.edge ? [b.edge] : []))) }
      : {}),
  };
}

export interface RemoteDesk extends DashboardSource, DashboardActions {
  /** Reads everything once and notifies subscribers. */
  refresh(): Promise<void>;
  /** Clears the global kill through the kill-switch Lambda. */
  resumeTrading(): Promise<void>;
  close(): void;
}

export function remoteDesk(ports: DeskPorts, pollMs = 3_000): RemoteDesk {
  const listeners = new Set<() => void>();
  let state: DashboardState = mergeView({
    now: ports.now(),
    stage: ports.stage,
    shards: [],
    games: [],
    flags: [],
    alarms: [],
  });
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  async function read(): Promise<DashboardState> {
    const now = ports.now();
    const [records, flags, alarms] = await Promise.all([
      ports.live.list(now),
      ports.flags.active(),
      ports.alarms ? ports.alarms() : Promise.resolve(null),
    ]);
    const shards: { record: LiveSnapshotRecord; body: LiveShard; lease: Lease | null }[] = [];
    const games: { record: LiveSnapshotRecord; body: LiveGame }[] = [];
    for (const record of records) {
      if (record.kind === 'shard') {
        const body = zLiveShard.safeParse(record.body);
        if (body.success)
          shards.push({ record, body: body.data, lease: await ports.leases.current(record.id) });
        else dropped++;
      } else {
        const body = zLiveGame.safeParse(record.body);
        if (body.success) games.push({ record, body: body.data });
        else dropped++;
      }
    }
    const view = mergeView({ now, stage: ports.stage, shards, games, flags, alarms });
    if (dropped > 0)
      view.alerts.unshift({
        time: now,
        level: 'warn',
        message: `${dropped} malformed live snapshot(s) skipped`,
      });
    return view;
  }

  async function refresh(): Promise<void> {
    try {
      state = await read();
    } catch (err) {
      ports.log?.({
        level: 'error',
        msg: 'dashboard: reading the deployed state failed',
        error: String(err),
      });
      state = {
        ...state,
        alerts: [
          { time: ports.now(), level: 'error' as const, message: `reading state failed: ${String(err)}` },
          ...state.alerts,
        ].slice(0, MAX_ALERTS),
      };
    }
    for (const l of listeners) l();
  }

  const loop = () => {
    timer = setTimeout(() => {
      void refresh().finally(() => {
        if (!closed) loop();
      });
    }, pollMs);
    timer.unref?.();
  };
  loop();

  return {
    refresh,
    snapshot: () => state,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    async kill(reason) {
      await ports.killSwitch({ action: 'kill', reason, requestedBy: ports.operator });
      await refresh();
    },
    async resumeTrading() {
      await ports.killSwitch({ action: 'clear', requestedBy: ports.operator, confirm: 'RESUME-TRADING' });
      await refresh();
    },
    async pause(gameId) {
      await ports.flags.set(
        { game: gameId },
        'pause',
        'paused from the operator dashboard',
        ports.operator,
        ports.now(),
      );
      await refresh();
    },
    async resume(gameId) {
      await ports.flags.clear({ game: gameId }, ports.operator, ports.now());
      await refresh();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
