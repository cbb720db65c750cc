/**
 * A paper run of each new sports scenario (issue #19), in process and in
 * lockstep, its first scenario minute: every game that has odds is
 * quoting (quotes of ours rested on each of its markets, bids and asks), and every game without odds is
 * listed as not traded with its reason, with nothing of ours resting on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PaperStack, startPaperStack } from '../../../scripts/paper/stack.ts';
import { startPaperWorker } from '../../../scripts/paper/worker.ts';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { MAKER_USER } from '../../../sim/main.ts';

let stack: PaperStack | null = null;
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

/** `ticker:side` of every quote of ours seen resting at any step of the run. */
type Seen = Set<string>;

/** Starts the scenario and runs its first minute in 5-second steps, noting what of ours rests. */
async function run(scenario: string): Promise<{ s: PaperStack; seen: Seen }> {
  stack = await startPaperStack({
    scenario,
    seed: 3,
    speed: 'max',
    config: parseEngineConfig({}),
    dashboard: null,
    startWorker: startPaperWorker,
  });
  const s = stack;
  const sim = s.sim!;
  const seen: Seen = new Set();
  for (let t = sim.world.startMs + 5_000; t <= sim.world.startMs + 60_000; t += 5_000) {
    sim.runner.step(t);
    s.lockstep!.moveTo(t);
    await settle(s);
    for (const o of sim.kalshi.admin.restingOrders(MAKER_USER)) seen.add(`${o.ticker}:${o.side}`);
  }
  return { s, seen };
}

function expectQuotesAndReasons(s: PaperStack, seen: Seen, unquoted: Record<string, RegExp>): void {
  const sim = s.sim!;
  const view = s.view();
  for (const g of sim.world.games) {
    const why = unquoted[g.game.id];
    if (why) {
      for (const m of g.markets)
        for (const side of ['bid', 'ask'])
          expect(seen.has(`${m.ticker}:${side}`), `${m.ticker} ${side}`).toBe(false);
      const alert = view.alerts.find((a) => a.message.includes(g.eventTicker));
      expect(alert?.message, `${g.game.id}: the reason is shown`).toMatch(why);
      continue;
    }
    const game = view.games.find((x) => x.id === g.eventTicker);
    expect(game?.state, `${g.game.id} (${g.eventTicker})`).toBe('quoting');
    // Every market is quoted; a long shot (a 4% draw) may have no bid worth resting, so one side is enough there.
    for (const m of g.markets)
      expect(seen.has(`${m.ticker}:bid`) || seen.has(`${m.ticker}:ask`), `${m.ticker} quoted`).toBe(true);
    const sides = new Set(
      g.markets.flatMap((m) => ['bid', 'ask'].filter((x) => seen.has(`${m.ticker}:${x}`))),
    );
    expect(sides, `${g.game.id}: bids and asks`).toEqual(new Set(['bid', 'ask']));
  }
}

describe('paper runs of the sports scenarios', () => {
  it('tennis: both tour-level tournaments quote; the challenger match says no-odds-source', async () => {
    const { s, seen } = await run('tennis-australian-open');
    expectQuotesAndReasons(s, seen, { 'jar-mon': /no-odds-source/ });
  }, 120_000);

  it('fight card: the boxing bouts quote on 3 markets; the voided UFC bout has no odds and no quotes', async () => {
    const { s, seen } = await run('fight-card');
    expectQuotesAndReasons(s, seen, { 'per-pro': /no-candidate/ });
  }, 120_000);

  it('college basketball: all twelve games quote, each on its own school', async () => {
    const { s, seen } = await run('ncaab-saturday');
    expectQuotesAndReasons(s, seen, {});
    for (const g of s.sim!.world.games) {
      const view = s.view().games.find((x) => x.id === g.eventTicker)!;
      for (const m of g.markets) {
        const team = m.outcome === 'home' ? g.game.home.name : g.game.away.name;
        expect(view.markets.find((x) => x.ticker === m.ticker)?.outcome).toBe(team);
      }
    }
  }, 120_000);

  it('La Liga: every game quotes its three markets', async () => {
    const { s, seen } = await run('laliga-sunday');
    expectQuotesAndReasons(s, seen, {});
  }, 120_000);
});
