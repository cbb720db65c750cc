import { describe, expect, it } from 'vitest';
import type { StrikeTheoRecord } from '../../../../shared/pricing/strike-record.ts';
import { ladderPort } from '../../../../worker/engine/adapters/ladder-port.ts';

function logRig() {
  const lines: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (event: string, fields?: Record<string, unknown>) => lines.push({ level: 'info', event, fields }),
    warn: (event: string, fields?: Record<string, unknown>) => lines.push({ level: 'warn', event, fields }),
  };
}

const store = () => {
  const asked: string[][] = [];
  return {
    asked,
    strikeTheos: {
      getMany: async (ids: readonly string[]) => {
        asked.push([...ids]);
        return new Map([['odds-1', { eventId: 'odds-1' } as StrikeTheoRecord]]);
      },
    },
  };
};

describe('the worker passes the strikeTheos port only when ladders are switched on', () => {
  it('off (none, or not given): no port, the session stays winner-only', () => {
    expect(ladderPort(undefined, store(), logRig())).toEqual({});
    expect(ladderPort([], store(), logRig())).toEqual({});
  });

  it('all: the store-backed port for every sport, reading the stored fits', async () => {
    const s = store();
    const log = logRig();
    const { strikeTheos } = ladderPort('all', s, log);
    expect(strikeTheos?.sports).toBeUndefined();
    expect(await strikeTheos?.read(['odds-1'])).toEqual([{ eventId: 'odds-1' }]);
    expect(s.asked).toEqual([['odds-1']]);
    expect(log.lines.map((l) => l.event)).toEqual(['ladders_on']);
  });

  it('a list: the port names its sports (the registry lists only their ladders)', () => {
    expect(ladderPort(['basketball_nba'], store(), logRig()).strikeTheos?.sports).toEqual(['basketball_nba']);
  });

  it('on without a strike-theo store: no port and a warning, never a half-wired session', () => {
    const log = logRig();
    expect(ladderPort('all', {}, log)).toEqual({});
    expect(log.lines).toEqual([
      { level: 'warn', event: 'ladders_without_strike_store', fields: { ladderSports: 'all' } },
    ]);
  });
});
