import { describe, expect, it } from 'vitest';
import type { StrikeTheoRecord } from '../../../shared/pricing/strike-record.ts';
import type { ListedEvent, ListedMarket } from '../../../worker/engine/ports.ts';
import { EVENT, START, sessionRig, started } from './session-rig.ts';
import { sessionListing } from './support.ts';

const greater = (ticker: string, text: string, floor: number): ListedMarket => ({
  ticker,
  yesSubTitle: text,
  status: 'active',
  strike: { strikeType: 'greater', floorStrike: floor, capStrike: null },
});
const ladders = (startMs: number): ListedEvent[] => [
  {
    eventTicker: 'KXNBASPREAD-26NOV25BOSMIL',
    seriesTicker: 'KXNBASPREAD',
    title: 'Boston at Milwaukee: Spread',
    startMs,
    markets: [
      greater('SP-MIL5', 'Milwaukee wins by over 4.5 Points', 4.5),
      greater('SP-BOS2', 'Boston wins by over 1.5 Points', 1.5),
      greater('SP-BAD', 'Milwaukee wins by over 7.5 Points', 9.5),
    ],
  },
  {
    eventTicker: 'KXNBATOTAL-26NOV25BOSMIL',
    seriesTicker: 'KXNBATOTAL',
    title: 'Boston at Milwaukee: Total Points',
    startMs,
    markets: [greater('TO-221', 'Over 220.5 points scored', 220.5)],
  },
  {
    // another game's ladder: not this game's
    eventTicker: 'KXNBATOTAL-26NOV25LALGSW',
    seriesTicker: 'KXNBATOTAL',
    title: 'Los Angeles L at Golden State: Total Points',
    startMs,
    markets: [greater('TO-LAL', 'Over 230.5 points scored', 230.5)],
  },
];

describe('a session with the strikeTheos port registers each game its ladders', () => {
  it('lists the sport ladder series, maps every strike under the game, reports the unmapped, reads the fits', async () => {
    const reads: string[][] = [];
    const r = sessionRig({
      ports: () => ({
        strikeTheos: {
          read: async (ids) => {
            reads.push([...ids]);
            return [] as StrikeTheoRecord[];
          },
        },
      }),
    });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    await started(r);
    expect(r.ex.calls).toContain('listEvents KXNBASPREAD');
    expect(r.ex.calls).toContain('listEvents KXNBATOTAL');
    const registered = r.log.lines.find((l) => l.event === 'ladder_registered');
    expect(registered?.fields).toMatchObject({
      eventTicker: EVENT,
      events: ['KXNBASPREAD-26NOV25BOSMIL', 'KXNBATOTAL-26NOV25BOSMIL'],
      mapped: 3,
      unmapped: 1,
    });
    const unmapped = r.log.lines.find((l) => l.event === 'ladder_markets_unmapped');
    expect(unmapped?.level).toBe('warn');
    expect(String(unmapped?.fields?.['markets'])).toMatch(/SP-BAD strike-mismatch/);
    expect(r.metrics.counts.get('LadderMarketsUnmapped')).toBe(1);
    expect(r.metrics.counts.get('LadderMarketsMapped')).toBe(3);
    await r.session.pollTheos();
    expect(reads.at(-1)).toEqual(['odds-1']);
    // Not quoted yet: no order on a ladder market.
    expect(r.ex.created.filter((c) => !c.ticker.startsWith(EVENT))).toEqual([]);
    r.session.dispose();
  });

  it('without the port nothing of it runs: no ladder series listed (winner-only sessions as before)', async () => {
    const r = sessionRig();
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    await started(r);
    expect(r.ex.calls.filter((c) => /SPREAD|TOTAL/.test(c))).toEqual([]);
    expect(r.log.lines.some((l) => l.event.startsWith('ladder_'))).toBe(false);
    r.session.dispose();
  });
});
