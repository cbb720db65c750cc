/**
 * The session's two polled inputs: theos from the theo store (a newer theo,
 * or one gone stale while quoting, requotes the game; a moved commence time
 * moves the stop) and the operator's kill/pause flags (a global kill trips the
 * kill switch; the rest apply per game).
 */

import type { GameRegistry } from './game-registry.ts';
import { errText } from './game-state.ts';
import type { TheoSnapshot } from './ports.ts';
import type { SessionCore } from './session-core.ts';

export class InputPolls {
  constructor(
    private readonly core: SessionCore,
    private readonly registry: GameRegistry,
  ) {}

  async pollTheos(): Promise<void> {
    // Every theoPollMs (2 s): one set, not three arrays and a set per poll.
    const unique = new Set<string>();
    for (const g of this.core.games.values()) unique.add(g.game.oddsEventId);
    if (unique.size === 0) return;
    const ids = [...unique];
    let theos: TheoSnapshot[];
    try {
      theos = await this.core.ports.theos.read(ids);
    } catch (err) {
      this.core.ports.metrics.count('TheoReadErrors');
      this.core.ports.log.warn('theo_read_failed', { error: errText(err) });
      theos = [];
    }
    const byId = new Map<string, TheoSnapshot>();
    for (const t of theos) byId.set(t.oddsEventId, t);
    const now = this.core.ports.clock.now();
    for (const g of this.core.games.values()) {
      const t = byId.get(g.game.oddsEventId);
      if (t && (!g.theo || t.updatedMs > g.theo.updatedMs)) {
        g.theo = t;
        if (t.commenceMs !== undefined && t.commenceMs !== g.game.oddsCommenceMs)
          this.registry.moveStart(g, { oddsCommenceMs: t.commenceMs }, 'odds');
        this.core.markDirty(g.game.eventTicker);
      } else if (g.theo && now - g.theo.updatedMs > this.core.config.theoMaxAgeMs && g.status === 'quoting') {
        this.core.markDirty(g.game.eventTicker); // went stale: pull the quotes
      }
    }
    await this.registry.ladders.pollStrikeTheos();
  }

  async pollKill(): Promise<void> {
    if (!this.core.ports.killFlag) return;
    try {
      this.core.flags = await this.core.ports.killFlag.read();
    } catch (err) {
      this.core.ports.metrics.count('KillFlagReadErrors');
      this.core.ports.log.warn('kill_flag_read_failed', { error: errText(err) });
      return;
    }
    const global = this.core.flags.find((f) => f.scope === 'global' && f.kind === 'kill');
    if (global) {
      void this.core.kill('flag', global.reason);
      return;
    }
    for (const g of this.core.games.values()) this.core.applyFlags(g);
  }
}
