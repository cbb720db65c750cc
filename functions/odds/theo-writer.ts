/**
 * Odds → theo → DynamoDB, the step odds-poll and odds-refresh share.
 * Aggregation is shared/odds/aggregate.ts; the versioned conditional write is
 * shared/store/theos.ts. Returns counts for logs and metrics.
 */
import { computeTheo, type TheoConfig } from '../../shared/odds/aggregate.ts';
import { missingDraw } from '../../shared/odds/draw-sports.ts';
import type { EventOdds } from '../../shared/odds/schemas.ts';
import { type TheoRecord, type TheoStore, theoRecordFromTheo } from '../../shared/store/theos.ts';

export interface TheoWriteSummary {
  written: string[];
  notNewer: string[];
  noTheo: { eventId: string; reason: string }[];
}

export async function writeTheos(
  theos: Pick<TheoStore, 'put'>,
  events: readonly EventOdds[],
  asOf: number,
  source: TheoRecord['source'],
  config?: TheoConfig,
): Promise<TheoWriteSummary> {
  const summary: TheoWriteSummary = { written: [], notNewer: [], noTheo: [] };
  for (const event of events) {
    const theo = computeTheo(event, { asOf, oddsFormat: 'decimal', config });
    if (theo.kind === 'no-theo') {
      summary.noTheo.push({ eventId: event.id, reason: theo.reason });
      continue;
    }
    const noDraw = missingDraw(event.sport_key, theo.threeWay);
    if (noDraw) {
      summary.noTheo.push({ eventId: event.id, reason: noDraw });
      continue;
    }
    const result = await theos.put(theoRecordFromTheo(theo, source));
    (result.written ? summary.written : summary.notNewer).push(event.id);
  }
  return summary;
}
