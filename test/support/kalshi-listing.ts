/** The simulated exchange's standard test game, listed the same way by every harness that needs it. */
import type { EventDef, FeeType, KalshiEngine, MarketDef } from '../../sim/kalshi/index.ts';

export interface BostonAtMilwaukee {
  /** The event ticker; the markets are `<event>-BOS` and `<event>-MIL`. */
  event: string;
  feeType: FeeType;
  openTimeMs: number;
  closeTimeMs: number;
  /** Further event fields (start time, subtitle, competition). */
  eventDef?: Partial<EventDef>;
  /** Further fields of both markets. */
  marketDef?: Partial<MarketDef>;
}

/** Lists the KXNBAGAME series and Boston at Milwaukee with its two winner markets, both active. */
export function listBostonAtMilwaukee(e: KalshiEngine, g: BostonAtMilwaukee): void {
  e.createSeries({ ticker: 'KXNBAGAME', title: 'Professional Basketball Game', feeType: g.feeType });
  e.createEvent({
    eventTicker: g.event,
    seriesTicker: 'KXNBAGAME',
    title: 'Boston at Milwaukee',
    ...g.eventDef,
  });
  for (const [code, team] of [
    ['BOS', 'Boston'],
    ['MIL', 'Milwaukee'],
  ] as const)
    e.createMarket({
      ticker: `${g.event}-${code}`,
      eventTicker: g.event,
      title: 'Boston at Milwaukee Winner?',
      yesSubTitle: team,
      openTimeMs: g.openTimeMs,
      closeTimeMs: g.closeTimeMs,
      ...g.marketDef,
      status: 'active',
    });
}
