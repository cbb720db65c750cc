/**
 * RefreshPublisher over EventBridge (production) or any function (paper mode
 * hands the request to the local refresh handler). The event shape is
 * shared/events/refresh-request.ts, the one the odds-refresh Lambda consumes.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { refreshPutEventsEntry } from '../../../shared/events/refresh-request.ts';
import type { RefreshPublisher, RefreshRequest } from '../ports.ts';

export function eventBridgeRefresh(
  client: Pick<EventBridgeClient, 'send'>,
  eventBusName: string,
): RefreshPublisher {
  return {
    publish: async (req: RefreshRequest) => {
      const out = await client.send(
        new PutEventsCommand({ Entries: [refreshPutEventsEntry(req, eventBusName)] }),
      );
      if ((out.FailedEntryCount ?? 0) > 0)
        throw new Error(`refresh event refused: ${out.Entries?.[0]?.ErrorCode ?? 'unknown error'}`);
    },
  };
}

export function functionRefresh(deliver: (req: RefreshRequest) => Promise<void>): RefreshPublisher {
  return { publish: deliver };
}
