/**
 * A paper run of each shipped ladder scenario (issue #17), in process and in
 * lockstep over loopback sockets, its first scenario minutes: the worker is
 * wired with the strike-theo port (paper turns ladders on when the scenario
 * lists them), the odds poll fits and stores each game's strikes, and every
 * strike market with a theo, on every spread and total ladder, has quotes of ours resting —
 * bids and asks across each ladder — with no market reported unmapped. A run
 * told `ladderSports: []` quotes the winners only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PaperStack, startPaperStack } from '../../../scripts/paper/stack.ts';
import { startPaperWorker } from '../../../scripts/paper/worker.ts';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import type { LadderSports } from '../../../shared/config/ladder-sports.ts';
import { MAKER_USER } from '../../../sim/main.ts';
import type { SimGame } from '../../../sim/scenario/world.ts';
import type { LadderMarket } from '../../../worker/engine/ladder-markets.ts';
import { type IdleStrike, strikeQuoteInputs } from '../../../worker/engine/ladder-theos.ts';

let stack: PaperStack | null = null;
/** `ticker:side reason` → how many creates and amends the risk gate refused (risk_denied), this run. */
const refusals = new Map<string, number>();
/** Why a strike has no order of ours: its refusals, or none (then the budget, a slot or a requote kept it). */
const whyNot = (ticker: string) =>
  [...refusals].filter(([k]) => k.startsWith(`${ticker}:`)).map(([k, n]) => `${k} ×${n}`);
afterEach(async () => {
  const s = stack;
  stack = null;
  if (!s) return;
  // The kill switch's cancel-until-flat waits on the session clock: in lockstep, keep time moving.
  let done = false;
  const stopping = s.stop('test over').finally(() => {
    done = true;
  });
  for (let t = s.lockstep!.now(); !done; t += 250) {
    await settle(s);
    await new Promise((r) => setTimeout(r, 20));
    if (done) break;
    s.sim!.runner.step(t);
    s.lockstep!.moveTo(t);
  }
  await stopping;
}, 60_000);

async function settle(s: PaperStack): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await new Promise((r) => setImmediate(r));
    await s.worker.idle();
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** Runs the scenario's first two minutes in 5-second steps; `ticker:side` of every quote of ours that rested. */
async function run(
  scenario: string,
  ladderSports?: LadderSports,
): Promise<{ s: PaperStack; seen: Set<string>; warnings: Record<string, unknown>[] }> {
  const warnings: Record<string, unknown>[] = [];
  refusals.clear();
  stack = await startPaperStack({
    scenario,
    seed: 3,
    speed: 'max',
    config: parseEngineConfig({}),
    dashboard: null,
    startWorker: startPaperWorker,
    ...(ladderSports ? { ladderSports } : {}),
    log: (e) => {
      if (e.level === 'warn' || e.level === 'error') warnings.push(e);
      // The paper sink keeps the risk gate's refusals (info): a strike with no order says why.
      if (e.event === 'risk_denied') {
        const k = `${String(e.ticker)}:${String(e.side)} ${String(e.reason)}`;
        refusals.set(k, (refusals.get(k) ?? 0) + 1);
      }
    },
  });
  const s = stack;
  const sim = s.sim!;
  const seen = new Set<string>();
  for (let t = sim.world.startMs + 5_000; t <= sim.world.startMs + 120_000; t += 5_000) {
    sim.runner.step(t);
    s.lockstep!.moveTo(t);
    await settle(s);
    for (const o of sim.kalshi.admin.restingOrders(MAKER_USER)) seen.add(`${o.ticker}:${o.side}`);
  }
  // And every order of ours the exchange ever accepted (post-only: each rested), not only those resting at
  // a 5-s sample: on a loaded machine a strike's quote can rest, fill or be replaced between two samples.
  for (const o of sim.kalshi.admin.orders(MAKER_USER)) seen.add(`${o.ticker}:${o.side}`);
  return { s, seen, warnings };
}

/** What the stored strike fit prices and refuses of a game's ladder markets (as the worker reads them). */
async function strikeTheosOf(
  s: PaperStack,
  g: SimGame,
): Promise<{ priced: Set<string>; idle: IdleStrike[] }> {
  const record = (await s.store.strikeTheos!.getMany([g.oddsEventId])).get(g.oddsEventId) ?? null;
  // Kalshi's "X wins by over k" on the home margin: home over k, away under −k; totals over k.
  const markets: LadderMarket[] = g.ladders!.markets.map((m) => ({
    ticker: m.ticker,
    eventTicker: m.eventTicker,
    query:
      m.kind === 'total'
        ? { kind: 'total', direction: 'over', threshold: m.floorStrike }
        : m.team === 'home'
          ? { kind: 'spread', direction: 'over', threshold: m.floorStrike }
          : { kind: 'spread', direction: 'under', threshold: -m.floorStrike },
  }));
  const r = strikeQuoteInputs(record, markets, record?.asOf ?? 0, Number.POSITIVE_INFINITY);
  return { priced: new Set(r.priced.map((p) => p.ticker)), idle: r.idle };
}

async function expectEveryStrikeQuoted(
  s: PaperStack,
  seen: Set<string>,
  warnings: Record<string, unknown>[],
): Promise<void> {
  const games = s.sim!.world.games.filter((g) => g.ladders !== undefined);
  expect(games.length).toBeGreaterThan(0);
  for (const g of games) {
    const { priced, idle } = await strikeTheosOf(s, g);
    // Every strike is priced (NFL: those across key numbers by the key-number margin), none idle.
    expect(idle.map((i) => `${i.ticker}: ${i.detail}`)).toEqual([]);
    expect([...priced].sort()).toEqual(g.ladders!.markets.map((m) => m.ticker).sort());
    for (const ev of g.ladders!.events) {
      // Every strike has a quote of ours; a far one (theo near 0 or 1) may have one side worth resting.
      for (const m of ev.markets.filter((x) => priced.has(x.ticker)))
        expect(
          seen.has(`${m.ticker}:bid`) || seen.has(`${m.ticker}:ask`),
          `${m.ticker} quoted (refusals: ${JSON.stringify(whyNot(m.ticker))})`,
        ).toBe(true);
      const sides = new Set(
        ev.markets.flatMap((m) => ['bid', 'ask'].filter((x) => seen.has(`${m.ticker}:${x}`))),
      );
      expect(sides, `${ev.eventTicker}: bids and asks`).toEqual(new Set(['bid', 'ask']));
    }
  }
  // Every market of the shipped ladders is read from Kalshi's metadata: none reported unmapped.
  expect(warnings.filter((w) => JSON.stringify(w).includes('ladder_markets_unmapped'))).toEqual([]);
}

describe('paper runs quote the shipped scenarios spread and total ladders', () => {
  it('nba-ladders-night: every strike, on both games ladders, has a theo and rests quotes of ours', async () => {
    const { s, seen, warnings } = await run('nba-ladders-night');
    await expectEveryStrikeQuoted(s, seen, warnings);
  }, 180_000);

  it('nfl-sunday-ladders: every strike has a theo (those across NFL key numbers by the key-number margin) and rests quotes of ours, bids and asks across every ladder', async () => {
    const { s, seen, warnings } = await run('nfl-sunday-ladders');
    // Every strike rests a quote within the two minutes, on a loaded machine too: the far total strike last in
    // plan order that the write budget never reached (issue #17) is now paid oldest waiting first (create-queue.ts).
    await expectEveryStrikeQuoted(s, seen, warnings);
  }, 180_000);

  it('ladders switched off (ladderSports: []): the winner markets only', async () => {
    const { s, seen } = await run('nba-ladders-night', []);
    const strikes = s.sim!.world.games.flatMap((g) => g.ladders?.markets ?? []);
    expect(strikes.length).toBeGreaterThan(0);
    expect(strikes.filter((m) => seen.has(`${m.ticker}:bid`) || seen.has(`${m.ticker}:ask`))).toEqual([]);
    const winners = s.sim!.world.games.flatMap((g) => g.markets);
    expect(winners.some((m) => seen.has(`${m.ticker}:bid`))).toBe(true);
  }, 180_000);
});
