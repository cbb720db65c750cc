import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BusEvent, LocalEventBus } from '../../../scripts/paper/local-bus.ts';
import {
  REFRESH_EVENT_DETAIL_TYPE,
  REFRESH_EVENT_SOURCE,
  refreshPutEventsEntry,
  refreshRequestSchema,
} from '../../../shared/events/refresh-request.ts';

describe('local event bus', () => {
  it('delivers the worker refresh entry to the refresh target, validated, after putEvents returns', async () => {
    const bus = new LocalEventBus(() => Date.UTC(2026, 0, 1));
    const got: BusEvent<z.infer<typeof refreshRequestSchema>>[] = [];
    bus.rule(REFRESH_EVENT_SOURCE, REFRESH_EVENT_DETAIL_TYPE, refreshRequestSchema, async (e) => {
      got.push(e);
    });
    bus.putEvents([
      refreshPutEventsEntry({ sportKey: 'basketball_nba', eventId: 'ev1', reason: 'inventory-skew' }, 'b'),
    ]);
    expect(got).toHaveLength(0); // asynchronous, like EventBridge
    await bus.drain();
    expect(got).toHaveLength(1);
    expect(got[0]!.detail).toMatchObject({
      sportKey: 'basketball_nba',
      eventId: 'ev1',
      reason: 'inventory-skew',
    });
    expect(got[0]!['detail-type']).toBe(REFRESH_EVENT_DETAIL_TYPE);
    expect(got[0]!.time).toBe('2026-01-01T00:00:00.000Z');
    expect(bus.stats).toMatchObject({ published: 1, delivered: 1 });
  });

  it('counts unmatched, invalid and failing deliveries without throwing at the publisher', async () => {
    const logs: Record<string, unknown>[] = [];
    const bus = new LocalEventBus(Date.now, (e) => logs.push(e));
    bus.rule('s', 't', z.object({ n: z.number() }), async () => {
      throw new Error('target down');
    });
    bus.putEvents([
      { Source: 'other', DetailType: 't', Detail: '{}' },
      { Source: 's', DetailType: 't', Detail: 'not json' },
      { Source: 's', DetailType: 't', Detail: '{"n":"x"}' },
      { Source: 's', DetailType: 't', Detail: '{"n":1}' },
    ]);
    await bus.drain();
    expect(bus.stats).toEqual({ published: 4, delivered: 0, unmatched: 1, rejected: 2, failed: 1 });
    expect(logs.find((l) => l.msg === 'bus: detail rejected')?.field).toBe('n');
  });
});
