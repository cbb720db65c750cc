/**
 * "Refresh this event's odds now": published by the worker (sharp inventory
 * skew, suspected news) on EventBridge, consumed by the odds-refresh Lambda.
 * The same detail can be sent by hand with `aws lambda invoke` (see docs/DEPLOY.md).
 */
import * as z from 'zod';

export const REFRESH_EVENT_SOURCE = 'kalshi-mm.worker';
export const REFRESH_EVENT_DETAIL_TYPE = 'OddsRefreshRequested';

export const refreshRequestSchema = z.object({
  /** Odds API sport key, e.g. basketball_nba. */
  sportKey: z.string().regex(/^[a-z0-9_]+$/, 'sportKey must be an Odds API sport key'),
  /** Odds API event id. */
  eventId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'eventId must be an Odds API event id'),
  /** The Kalshi game that asked, for logs. */
  kalshiEventTicker: z.string().min(1).max(100).optional(),
  reason: z.enum(['inventory-skew', 'stale-theo', 'manual', 'fill-burst']).default('manual'),
  /** Epoch ms when asked. */
  requestedAt: z.number().int().nonnegative().optional(),
  requestedBy: z.string().min(1).max(100).default('unknown'),
});
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;
export type RefreshRequestInput = z.input<typeof refreshRequestSchema>;

/** The EventBridge envelope fields the Lambda relies on. */
export const refreshEventSchema = z.object({
  source: z.literal(REFRESH_EVENT_SOURCE),
  'detail-type': z.literal(REFRESH_EVENT_DETAIL_TYPE),
  detail: refreshRequestSchema,
});

/** The PutEvents entry the worker sends (bus name supplied by the caller). */
export function refreshPutEventsEntry(request: RefreshRequestInput, eventBusName: string) {
  const detail = refreshRequestSchema.parse(request);
  return {
    Source: REFRESH_EVENT_SOURCE,
    DetailType: REFRESH_EVENT_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    EventBusName: eventBusName,
  };
}
