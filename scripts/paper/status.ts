/** The one-line status `npm start` keeps on the terminal, from the dashboard's view. */
import type { DashboardState } from '../../worker/dashboard/view-model.ts';

const money = (m: number) => `${m < 0 ? '-' : ''}$${(Math.abs(m) / 1_000_000).toFixed(2)}`;

/** Games per quoting reason, compact: `quoting 3 · no-theo 1` (quoting first, then most games first). */
export function gamesByReason(states: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const st of states) counts.set(st, (counts.get(st) ?? 0) + 1);
  return [...counts]
    .sort(([a, n], [b, m]) => (a === 'quoting' ? -1 : b === 'quoting' ? 1 : m - n || a.localeCompare(b)))
    .map(([st, n]) => `${st} ${n}`)
    .join(' · ');
}

export function statusLine(s: DashboardState): string {
  const realised = s.games.reduce((n, g) => n + g.pnlRealized, 0);
  const marked = s.games.reduce((n, g) => n + g.pnlMarked, 0);
  let worst = 0;
  for (const g of s.games)
    if (g.inventoryLimit > 0) worst = Math.max(worst, Math.abs(g.inventory) / g.inventoryLimit);
  const parts = [
    new Date(s.now).toISOString().slice(11, 19),
    s.killed ? `KILLED (${s.killPhase ?? 'tripped'})` : `WS ${s.connection.ws}`,
    s.games.length > 0 ? `${s.games.length} games: ${gamesByReason(s.games.map((g) => g.state))}` : '0 games',
    `${s.fills.length} fills`,
    `max inv ${(worst * 100).toFixed(0)}% of limit`,
    `PnL ${money(realised)} real / ${money(marked)} marked`,
  ];
  if (s.connection.rateLimited > 0) parts.push(`429s ${s.connection.rateLimited}`);
  if (s.reconciliation.drift > 0) parts.push(`drift ${s.reconciliation.drift / 100}`);
  return parts.join(' · ');
}
