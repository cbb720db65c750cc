/** The one-line status `npm start` keeps on the terminal, from the dashboard's view. */
import type { DashboardState } from '../../worker/dashboard/view-model.ts';

const money = (m: number) => `${m < 0 ? '-' : ''}$${(Math.abs(m) / 1_000_000).toFixed(2)}`;

export function statusLine(s: DashboardState): string {
  const quoting = s.games.filter((g) => g.state === 'quoting').length;
  const realised = s.games.reduce((n, g) => n + g.pnlRealized, 0);
  const marked = s.games.reduce((n, g) => n + g.pnlMarked, 0);
  let worst = 0;
  for (const g of s.games)
    if (g.inventoryLimit > 0) worst = Math.max(worst, Math.abs(g.inventory) / g.inventoryLimit);
  const parts = [
    new Date(s.now).toISOString().slice(11, 19),
    s.killed ? `KILLED (${s.killPhase ?? 'tripped'})` : `WS ${s.connection.ws}`,
    `${s.games.length} games, ${quoting} quoting`,
    `${s.fills.length} fills`,
    `max inv ${(worst * 100).toFixed(0)}% of limit`,
    `PnL ${money(realised)} real / ${money(marked)} marked`,
  ];
  if (s.connection.rateLimited > 0) parts.push(`429s ${s.connection.rateLimited}`);
  if (s.reconciliation.drift > 0) parts.push(`drift ${s.reconciliation.drift / 100}`);
  return parts.join(' · ');
}
