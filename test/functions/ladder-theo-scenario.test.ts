/**
 * The ladder pipeline on a shipped scenario, end to end short of quoting: the
 * Odds API simulator's lines → odds-poll → each game's stored strike fit; the
 * scenario's Kalshi ladders (as the exchange lists them) → ladder-markets.ts →
 * every strike mapped to its game and priced (ladder-theos.ts). The prices are
 * compared with the simulator's truth, a different model (an empirical margin
 * distribution against the fitted normal anchored to the books); the figure is printed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHandler } from '../../functions/odds-poll.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import { createStore } from '../../shared/store/index.ts';
import { StrikeTheoStore } from '../../shared/store/strike-theos.ts';
import { DEFAULT_START_MS } from '../../sim/backtest/run.ts';
import { SteppedClock } from '../../sim/clock.ts';
import { startOddsSim } from '../../sim/odds/server.ts';
import { trueYes } from '../../sim/scenario/ladders.ts';
import { parseScenario, type ScenarioInput } from '../../sim/scenario/schema.ts';
import { buildWorld } from '../../sim/scenario/world.ts';
import { gameLadders } from '../../worker/engine/ladder-markets.ts';
import { strikeQuoteInputs } from '../../worker/engine/ladder-theos.ts';
import type { ListedEvent } from '../../worker/engine/ports.ts';
import { startDynalite } from '../support/dynalite.ts';
import { RecordingLog, RecordingMetrics, SIM_ODDS_KEY } from './support.ts';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

describe('the shipped ladder scenarios: every strike mapped, priced or refused with a reason', () => {
  it.each([
    // NBA: every strike priced
    { name: 'nba-ladders-night', sportKey: 'basketball_nba', minPriced: 1 },
    // NFL: every strike priced too — those across a key number from every book line by the key-number margin
    { name: 'nfl-sunday-ladders', sportKey: 'americanfootball_nfl', minPriced: 1 },
  ])('$name: maps every strike and prices it or says why not', async ({ name, sportKey, minPriced }) => {
    const input = JSON.parse(
      readFileSync(new URL(`../../sim/scenarios/${name}.json`, import.meta.url), 'utf8'),
    ) as ScenarioInput;
    const scenario = parseScenario(input);
    const startMs = scenario.start ? Date.parse(scenario.start) : DEFAULT_START_MS;
    const world = buildWorld(scenario, { seed: scenario.seed, startMs });
    const sim = await startOddsSim({ clock: new SteppedClock(startMs), world, apiKey: SIM_ODDS_KEY });
    const db = await startDynalite();
    open.push(sim, db);
    const store = createStore(db.doc, db.tableName);
    const strikes = new StrikeTheoStore({ doc: db.doc, tableName: db.tableName });
    const client = new OddsApiClient({
      apiKey: SIM_ODDS_KEY,
      baseUrl: sim.baseUrl,
      retry: { maxAttempts: 1 },
    });
    const summary = await makeHandler({
      sports: [{ sportKey, priority: 1, minCredits: 0 }],
      bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm', 'williamhill_us'],
      horizonHours: 36,
      theos: store.theos,
      strikeTheos: strikes,
      odds: async () => client,
      now: () => startMs,
      log: new RecordingLog(),
      metrics: new RecordingMetrics(),
    })({ trigger: 'schedule' });
    expect(summary.sports[0]).toMatchObject({ status: 'polled', strikeRefused: 0 });

    const laddered = world.games.filter((g) => g.ladders);
    expect(laddered.length).toBeGreaterThan(0);
    const errors: number[] = [];
    const idle: string[] = [];
    let strikesListed = 0;
    for (const g of laddered) {
      const record = await strikes.get(g.oddsEventId);
      expect(record, g.oddsEventId).not.toBeNull();
      const listed: ListedEvent[] = g.ladders!.events.map((ev) => ({
        eventTicker: ev.eventTicker,
        seriesTicker: ev.seriesTicker,
        title: ev.title,
        startMs: null,
        markets: ev.markets.map((m) => ({
          ticker: m.ticker,
          yesSubTitle: m.yesSubTitle,
          title: m.title,
          status: 'active',
          strike: { strikeType: 'greater', floorStrike: m.floorStrike, capStrike: null },
        })),
      }));
      strikesListed += g.ladders!.markets.length;
      const ladders = gameLadders(
        {
          eventTicker: g.eventTicker,
          sportKey,
          homeTeam: record!.homeTeam,
          awayTeam: record!.awayTeam,
          kalshiStartMs: null,
        },
        listed,
      );
      expect(ladders.unmapped).toEqual([]);
      expect(ladders.mapped).toHaveLength(g.ladders!.markets.length);
      const inputs = strikeQuoteInputs(record!, ladders.mapped, startMs, 15 * 60_000);
      for (const i of inputs.idle) {
        expect(i.reason).toBe('no-strike-theo');
        idle.push(i.detail.split(':')[0]!);
      }
      for (const p of inputs.priced) {
        const m = g.ladders!.markets.find((x) => x.ticker === p.ticker)!;
        errors.push(Math.abs(p.probability - trueYes(g, m, startMs)));
      }
    }
    expect(errors.length + idle.length).toBe(strikesListed);
    expect(errors.length).toBeGreaterThanOrEqual(minPriced * strikesListed);
    const cents = (x: number) => Math.round(x * 10_000) / 100;
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    console.info(
      `${name}: ${errors.length}/${strikesListed} strikes priced (refused: ${idle.join(', ') || 'none'}); |theo − truth| mean ${cents(mean)}¢, max ${cents(Math.max(...errors))}¢`,
    );
    // No bound on |theo − truth| here: the truth of a strike is now the martingale E[f(p_end) | now]
    // (sim/scenario/ladder-martingale.ts) while the simulated books still quote f(p_now)
    // (sim/odds/spread-total-lines.ts), so the figure measures the simulator's books as much as the fit.
    expect(errors.every((e) => Number.isFinite(e))).toBe(true);
  });
});
