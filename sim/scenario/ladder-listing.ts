/**
 * Lists a game's spread/total ladders on the simulated exchange beside its
 * winner event (same times, tick grid, milestone and status), and determines
 * them from the game's drawn final score when it ends. The runner calls these
 * hooks; a game without ladders lists nothing more.
 */
import type { KalshiEngine } from '../kalshi/engine.ts';
import type { SimGame } from './world.ts';

export type LadderExchange = Pick<
  KalshiEngine,
  'createSeries' | 'series' | 'createEvent' | 'event' | 'createMarket' | 'determine' | 'market'
>;

/** What the winner listing of the same game used, so the ladders match it. */
export interface LadderListingTemplate {
  subTitle: string;
  startTimeMs: number;
  milestoneType: string;
  priceLevelStructure: string;
  /** Market close (Kalshi's late backstop) and expected expiration. */
  closeTimeMs: number;
  expectedExpirationMs: number;
  status: 'active' | 'initialized';
}

export function listLadders(ex: LadderExchange, sim: SimGame, t: LadderListingTemplate): string[] {
  const ladders = sim.ladders;
  if (!ladders) return [];
  const g = sim.game;
  const listed: string[] = [];
  for (const ev of ladders.events) {
    if (!ex.series(ev.seriesTicker))
      ex.createSeries({
        ticker: ev.seriesTicker,
        title: `${g.league} ${ev.kind === 'spread' ? 'Spread' : 'Total'}`,
        category: 'Sports',
        tags: [g.league],
        feeType: ev.feeType,
      });
    if (ex.event(ev.eventTicker)) continue;
    ex.createEvent({
      eventTicker: ev.eventTicker,
      seriesTicker: ev.seriesTicker,
      title: ev.title,
      subTitle: t.subTitle,
      // Strikes of one ladder nest ("over 3.5" implies "over 0.5"): not mutually exclusive.
      mutuallyExclusive: false,
      startTimeMs: t.startTimeMs,
      milestoneType: t.milestoneType,
      competition: g.league,
    });
    for (const m of ev.markets)
      ex.createMarket({
        ticker: m.ticker,
        eventTicker: ev.eventTicker,
        title: m.title,
        yesSubTitle: m.yesSubTitle,
        noSubTitle: m.yesSubTitle,
        openTimeMs: sim.path.times.openMs,
        closeTimeMs: t.closeTimeMs,
        expectedExpirationMs: t.expectedExpirationMs,
        priceLevelStructure: t.priceLevelStructure,
        priceRanges: sim.tick.map((r) => ({ ...r })),
        settlementTimerSeconds: Math.round(g.settleDelayMinutes * 60),
        rulesPrimary: m.rulesPrimary,
        strike: { strikeType: 'greater', floorStrike: m.floorStrike },
        status: t.status,
      });
    listed.push(ev.eventTicker);
  }
  return listed;
}

/** Determines every open ladder market of the game from its drawn final score. */
export function determineLadders(ex: LadderExchange, sim: SimGame): void {
  const ladders = sim.ladders;
  if (!ladders) return;
  for (const m of ladders.markets) {
    const status = ex.market(m.ticker)?.status;
    if (!status || status === 'determined' || status === 'finalized') continue;
    ex.determine(m.ticker, ladders.result(m));
  }
}
