import { describe, expect, it } from 'vitest';
import { gamesByReason, statusLine } from '../../../scripts/paper/status.ts';
import { FakeDesk } from '../../worker/dashboard/fixtures.ts';

describe('status line', () => {
  it('summarises time, connection, games, fills, inventory and PnL on one line', () => {
    const desk = new FakeDesk();
    desk.tick(10);
    const line = statusLine(desk.snapshot());
    expect(line).toBe(
      '00:00:10 · WS connected · 2 games: quoting 2 · 10 fills · max inv 20% of limit · PnL $0.00 real / $0.20 marked',
    );
    expect(line).not.toContain('\n');
  });

  it('counts games by quoting reason, quoting first, then the most games', () => {
    const desk = new FakeDesk();
    const [a, b] = desk.state.games;
    desk.state.games.push({ ...a!, id: 'X1', state: 'no-theo' }, { ...b!, id: 'X2', state: 'group-tripped' });
    desk.state.games.push({ ...a!, id: 'X3', state: 'no-theo' });
    a!.state = 'theo-stale';
    expect(statusLine(desk.snapshot())).toContain(
      ' · 5 games: quoting 1 · no-theo 2 · group-tripped 1 · theo-stale 1 · ',
    );
    expect(gamesByReason([])).toBe('');
  });

  it('leads with the kill state and adds 429s and drift when present', () => {
    const desk = new FakeDesk();
    void desk.kill('test');
    desk.state.connection.rateLimited = 3;
    desk.state.reconciliation.drift = 250;
    expect(statusLine(desk.snapshot())).toMatch(/^00:00:00 · KILLED \(flat\) · .* · 429s 3 · drift 2\.5$/);
  });
});
