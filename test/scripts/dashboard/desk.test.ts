/**
 * The operator's merged view of the deployed system (pure): games of every
 * shard, the global kill flag or a killed shard shows as killed, a pause flag
 * shows at once, stale heartbeats, missing leases and open alarms are alerts.
 */
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_STALE_MS, mergeView } from '../../../scripts/dashboard/desk.ts';
import type { LiveSnapshotRecord } from '../../../shared/store/live-snapshot.ts';
import { liveItems } from '../../../worker/dashboard/live-publisher.ts';
import { zDashboardState } from '../../../worker/dashboard/view-model.ts';
import { FakeDesk } from '../../worker/dashboard/fixtures.ts';

const NOW = 1_800_000_000_000;
const rec = (kind: 'shard' | 'game', id: string, publishedAt = NOW - 1_000): LiveSnapshotRecord => ({
  kind,
  id,
  shardId: '0',
  publishedAt,
  ttl: Math.floor(NOW / 1000) + 900,
  body: null,
});

function parts(opts: { heartbeatAt?: number; lease?: boolean } = {}) {
  const desk = new FakeDesk();
  desk.tick(3);
  const items = liveItems(desk.snapshot());
  return {
    shards: [
      {
        record: rec('shard', '0', opts.heartbeatAt),
        body: items.shard,
        lease:
          opts.lease === false ? null : { shardId: '0', owner: 'task-a', token: 7, expiresAt: NOW + 20_000 },
      },
    ],
    games: items.games.map((g) => ({ record: rec('game', g.id), body: g.body })),
  };
}

describe('operator desk view', () => {
  it('shows every game and its fills, the shard with heartbeat and lease, valid against the view model', () => {
    const view = mergeView({ now: NOW, stage: 'prod', ...parts(), flags: [], alarms: [] });
    expect(zDashboardState.parse(view).games.map((g) => g.id)).toEqual(['NBA1', 'NBA2']);
    expect(view.fills).toHaveLength(3);
    expect(view.shards).toEqual([
      {
        shardId: '0',
        heartbeatAt: NOW - 1_000,
        lease: { owner: 'task-a', token: 7, expiresAt: NOW + 20_000 },
      },
    ]);
    expect(view.killed).toBe(false);
    expect(view.alerts.filter((a) => a.level !== 'info')).toEqual([]);
  });

  it('the global kill flag shows as killed before any shard reports it; a pause flag shows the game paused', () => {
    const view = mergeView({
      now: NOW,
      stage: 'prod',
      ...parts(),
      flags: [
        { scope: 'global', kind: 'kill', reason: 'alarm: drawdown', since: NOW },
        { scope: 'NBA2', kind: 'pause', reason: 'ops', since: NOW },
      ],
      alarms: [],
    });
    expect(view).toMatchObject({ killed: true, killReason: 'alarm: drawdown' });
    expect(view.games.find((g) => g.id === 'NBA2')).toMatchObject({
      state: 'paused',
      reasons: ['paused-by-operator'],
    });
  });

  it('a stale heartbeat, a missing lease and an open alarm are alerts; no shard at all is one too', () => {
    const view = mergeView({
      now: NOW,
      stage: 'prod',
      ...parts({ heartbeatAt: NOW - HEARTBEAT_STALE_MS - 5_000, lease: false }),
      flags: [],
      alarms: [
        { name: 'kalshi-mm-prod-STOP-shard0-pnl-drawdown', reason: 'threshold crossed', since: NOW - 60_000 },
      ],
    });
    const messages = view.alerts.map((a) => `${a.level} ${a.message}`);
    expect(messages).toContain('error ALARM kalshi-mm-prod-STOP-shard0-pnl-drawdown: threshold crossed');
    expect(messages).toContain('warn shard 0: no heartbeat for 35 s');
    expect(messages).toContain('warn shard 0: lease not held');
    const empty = mergeView({ now: NOW, stage: 'prod', shards: [], games: [], flags: [], alarms: [] });
    expect(empty.alerts.map((a) => a.message)).toContain('no worker shard has published on stage prod');
    expect(empty.connection.ws).toBe('down');
  });
});
