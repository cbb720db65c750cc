/**
 * Builds the mapper's small `KalshiGame` input from parsed Kalshi REST objects
 * (an event, its markets, and the milestones of `GET /events?with_milestones=true`).
 * Only types come from the Kalshi schemas; nothing here touches the network.
 */
import type { KalshiEvent, Market, Milestone } from '../kalshi/schemas/rest.ts';
import type { KalshiGame } from './match.ts';

/**
 * The game start from milestones: those naming the event as primary, else as
 * related. Several different start dates → null (the matcher then falls back
 * to the ticker date rather than trusting one of them).
 */
export function milestoneStart(eventTicker: string, milestones: readonly Milestone[]): number | null {
  const primary = milestones.filter((m) => m.primary_event_tickers?.includes(eventTicker));
  const pool =
    primary.length > 0 ? primary : milestones.filter((m) => m.related_event_tickers?.includes(eventTicker));
  const starts = new Set(pool.map((m) => m.start_date));
  return starts.size === 1 ? [...starts][0]! : null;
}

/** A market's rules text (primary, then secondary), read for void or non-binary settlement (settlement.ts). */
export function rulesOf(m: Pick<Market, 'rules_primary' | 'rules_secondary'>): string | undefined {
  const rules = [m.rules_primary, m.rules_secondary].filter((r): r is string => !!r).join('\n');
  return rules || undefined;
}

/** Markets may come nested in the event or from `GET /markets?event_ticker=`; only this event's are kept. */
export function kalshiGameFrom(
  event: KalshiEvent,
  markets: readonly Market[] = event.markets ?? [],
  milestones: readonly Milestone[] = [],
): KalshiGame {
  return {
    eventTicker: event.event_ticker,
    seriesTicker: event.series_ticker,
    title: event.title ?? '',
    startTime: milestoneStart(event.event_ticker, milestones),
    markets: markets
      .filter((m) => m.event_ticker === event.event_ticker)
      .map((m) => {
        // The rules say whether the market can void or settle between 0 and 1 (settlement.ts).
        const rules = rulesOf(m);
        return { ticker: m.ticker, yesSubTitle: m.yes_sub_title ?? '', ...(rules ? { rules } : {}) };
      }),
  };
}
