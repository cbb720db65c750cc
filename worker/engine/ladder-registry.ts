/**
 * The session's spread/total ladders (issue #17): after a sport's discovery,
 * its ladder series are listed (only the port's `sports` when it names them)
 * and each registered game gets its ladders (ladder-markets.ts: matched by
 * teams and start, every market mapped or reported), kept on the game — one game, one risk; and with each theo poll
 * the games' stored strike fits are read. Only with the `strikeTheos` port;
 * without it nothing here runs and winner-only sessions are as before.
 *
 * Each mapped strike's ticker is registered on its game (`gameOfTicker`): the
 * feed tracks it and the requote loop quotes it (ladder-quotes.ts) under the
 * game's status, gated on the game's payoff. Once the game has ended (closed
 * by the listing or lifecycle, or past its stop), its ladders are not listed
 * again and each strike ticker leaves `gameOfTicker` (and so the feed's
 * tracked set and the reconciler's) as soon as no order of ours rests on it
 * and no position is held in it: a settled ladder is not tracked for ever.
 */
import type { SportConfig } from '../../shared/config/engine-config.ts';
import { LadderMetric } from '../../shared/metrics/names.ts';
import { errText, type GameState } from './game-state.ts';
import { gameLadders, ladderSeriesOf } from './ladder-markets.ts';
import type { ListedEvent } from './ports.ts';
import type { SessionCore } from './session-core.ts';

export class LadderRegistry {
  /** Strike tickers registered on `gameOfTicker`, by game: released when the game has ended. */
  private readonly strikesOf = new Map<string, Set<string>>();

  constructor(private readonly core: SessionCore) {}

  /** Closed, or past its stop: quoting is over for good and its ladders are not listed again. */
  private ended(g: GameState): boolean {
    return g.closed || (g.stopAtMs !== null && this.core.ports.clock.now() >= g.stopAtMs);
  }

  /**
   * An ended game's strike tickers leave `gameOfTicker` once nothing of ours is
   * left on them (an order resting or in flight, a ghost whose fills are still
   * unseen, or a position before its settlement is reconciled): until then a
   * fill or position there is still the game's.
   */
  releaseEnded(): number {
    let released = 0;
    for (const [eventTicker, tickers] of this.strikesOf) {
      const g = this.core.games.get(eventTicker);
      if (g && !this.ended(g)) continue;
      for (const t of tickers) {
        const ours =
          this.core.manager.ordersOf([t]).length > 0 ||
          // a ghost: size gone from the book as fills whose messages have not arrived (order-ghosts.ts)
          this.core.manager.exposureOrders([t]).length > 0 ||
          this.core.inventory.position(t) !== 0;
        if (ours) continue;
        if (this.core.gameOfTicker.get(t) === eventTicker) this.core.gameOfTicker.delete(t);
        tickers.delete(t);
        released++;
      }
      if (tickers.size === 0) {
        this.strikesOf.delete(eventTicker);
        if (g) delete g.ladder;
      }
    }
    return released;
  }

  /** Lists the sport's ladder series and attaches each game's ladders; true when a listing failed. */
  async discover(sport: string, cfg: SportConfig): Promise<boolean> {
    const { ports } = this.core;
    if (!ports.strikeTheos) return false;
    this.releaseEnded();
    const sportKeyOf = (g: GameState) => g.game.oddsSportKey ?? cfg.oddsSportKey;
    const only = ports.strikeTheos.sports;
    const games = [...this.core.games.values()].filter(
      (g) =>
        g.sport === sport &&
        !this.ended(g) &&
        g.game.homeTeam !== undefined &&
        g.game.awayTeam !== undefined &&
        (only === undefined || only.includes(sportKeyOf(g))),
    );
    if (games.length === 0) return false;
    const listed = new Map<string, ListedEvent[]>();
    let failed = false;
    for (const key of new Set(games.map(sportKeyOf))) {
      const events: ListedEvent[] = [];
      for (const series of ladderSeriesOf(key)) {
        try {
          events.push(...(await ports.gateway.listEvents(series)));
        } catch (err) {
          ports.metrics.count('DiscoveryErrors');
          ports.log.warn('ladder_discovery_failed', { series, error: errText(err) });
          failed = true;
        }
      }
      listed.set(key, events);
    }
    let mapped = 0;
    let unmapped = 0;
    for (const g of games) {
      const ladders = gameLadders(
        {
          eventTicker: g.game.eventTicker,
          sportKey: sportKeyOf(g),
          homeTeam: g.game.homeTeam!,
          awayTeam: g.game.awayTeam!,
          kalshiStartMs: g.game.kalshiStartMs,
        },
        listed.get(sportKeyOf(g)) ?? [],
      );
      // A failed listing keeps what the last one found rather than dropping the game's ladders.
      if (failed && ladders.events.length === 0 && g.ladder) continue;
      const known = new Set(g.ladder?.unmapped.map((u) => u.ticker) ?? []);
      const fresh = ladders.unmapped.filter((u) => !known.has(u.ticker));
      if (fresh.length > 0)
        ports.log.warn('ladder_markets_unmapped', {
          eventTicker: g.game.eventTicker,
          count: fresh.length,
          markets: fresh.slice(0, 20).map((u) => `${u.ticker} ${u.reason}: ${u.detail.slice(0, 160)}`),
        });
      if (
        ladders.mapped.length !== (g.ladder?.mapped.length ?? 0) ||
        ladders.events.length !== (g.ladder?.events.length ?? 0)
      )
        ports.log.info('ladder_registered', {
          eventTicker: g.game.eventTicker,
          events: ladders.events,
          mapped: ladders.mapped.length,
          unmapped: ladders.unmapped.length,
        });
      g.ladder = ladders;
      // Its strikes are the game's markets from here on: the feed tracks them (the caller's track), a fill or
      // a position on one is the game's (fill intake, reconciler), not an untracked market's.
      for (const m of ladders.mapped)
        if (!this.core.gameOfTicker.has(m.ticker)) {
          this.core.gameOfTicker.set(m.ticker, g.game.eventTicker);
          const own = this.strikesOf.get(g.game.eventTicker) ?? new Set<string>();
          own.add(m.ticker);
          this.strikesOf.set(g.game.eventTicker, own);
        }
      mapped += ladders.mapped.length;
      unmapped += ladders.unmapped.length;
    }
    ports.metrics.count(LadderMetric.LadderMarketsMapped, mapped);
    ports.metrics.count(LadderMetric.LadderMarketsUnmapped, unmapped);
    return failed;
  }

  /** Reads the stored strike fits of every game with mapped strikes; a newer one replaces the held one. */
  async pollStrikeTheos(): Promise<void> {
    const { ports } = this.core;
    if (!ports.strikeTheos) return;
    const games = [...this.core.games.values()].filter((g) => (g.ladder?.mapped.length ?? 0) > 0);
    if (games.length === 0) return;
    let records: Awaited<ReturnType<NonNullable<typeof ports.strikeTheos>['read']>>;
    try {
      records = await ports.strikeTheos.read([...new Set(games.map((g) => g.game.oddsEventId))]);
    } catch (err) {
      ports.metrics.count(LadderMetric.StrikeTheoReadErrors);
      ports.log.warn('strike_theo_read_failed', { error: errText(err) });
      return;
    }
    const byId = new Map(records.map((r) => [r.eventId, r]));
    for (const g of games) {
      const r = byId.get(g.game.oddsEventId);
      if (r && (!g.strikeTheo || r.asOf > g.strikeTheo.asOf)) {
        g.strikeTheo = r;
        this.core.markDirty(g.game.eventTicker); // its strikes are requoted on the new fit
      }
    }
  }
}
