/**
 * Records what the ruler needs from a simulated run, from the exchange's own
 * events: each fill of one user with who was on the other side (the trader's
 * type, from the scenario) and the quoting mode the strategy gave that slot at
 * the time; at the end, scores it against the scenario's true probability
 * (sim/scenario/ruler.ts).
 */
import type { KalshiEngine } from '../kalshi/engine.ts';
import type { SimFill } from '../kalshi/types.ts';
import { kindOf, marketsOf, trueYes } from './ladders.ts';
import { type Counterparty, counterpartyOf, type RulerFill, type RulerScore, rulerScore } from './ruler.ts';
import type { World } from './world.ts';

export interface RulerRecorderOptions {
  exchange: Pick<KalshiEngine, 'subscribe'>;
  world: World;
  userId: string;
  /** Stop margin: inventory is marked to the truth at each game's start − margin. */
  stopMarginMs: number;
  /** The strategy's quoting mode for a slot right now (decision log), null when unknown. */
  modeOf?: (ticker: string, side: 'bid' | 'ask') => string | null;
}

export class RulerRecorder {
  readonly fills: RulerFill[] = [];
  private readonly pending = new Map<string, SimFill[]>();
  private readonly settled = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly traders: { noise: string[]; informed: string[]; competitors: string[] };

  constructor(private readonly opts: RulerRecorderOptions) {
    const t = opts.world.scenario.traders;
    this.traders = {
      noise: t.noiseTakers.map((x) => x.name),
      informed: t.informedTakers.map((x) => x.name),
      competitors: t.competitors.map((x) => x.name),
    };
    this.unsubscribe = opts.exchange.subscribe((e) => {
      if (e.type === 'fill') this.onFill(e.fill);
      else if (e.type === 'lifecycle' && e.eventType === 'determined') {
        if (e.market.result === 'yes' || e.market.result === 'no')
          this.settled.set(e.market.ticker, e.market.result === 'yes' ? 1 : 0);
      }
    });
  }

  /** Both sides of a trade share its fill id: ours is matched with the other side's user. */
  private onFill(f: SimFill): void {
    const seen = this.pending.get(f.fillId);
    if (!seen) {
      this.pending.set(f.fillId, [f]);
      return;
    }
    this.pending.delete(f.fillId);
    const pair = [...seen, f];
    const ours = pair.find((x) => x.userId === this.opts.userId);
    const other = pair.find((x) => x !== ours);
    if (!ours) return;
    const counterparty: Counterparty = other ? counterpartyOf(other.userId, this.traders) : 'other';
    this.fills.push({
      time: ours.createdMs,
      ticker: ours.ticker,
      side: ours.side,
      price: ours.price / 1_000_000,
      contracts: ours.count / 100,
      fee: ours.fee / 1_000_000,
      counterparty,
      mode: this.opts.modeOf?.(ours.ticker, ours.side) ?? null,
    });
  }

  /** The truth of a market's YES at `t`. */
  truth = (ticker: string, t: number): number => {
    for (const g of this.opts.world.games) {
      const m = marketsOf(g).find((x) => x.ticker === ticker);
      if (m) return trueYes(g, m, t);
    }
    return Number.NaN;
  };

  /** Winner, spread or total (the ruler splits by it when the world lists ladders). */
  kindOf = (ticker: string): string => {
    for (const g of this.opts.world.games) {
      const m = marketsOf(g).find((x) => x.ticker === ticker);
      if (m) return kindOf(m);
    }
    return 'other';
  };

  /** The game's stop time for a market (start − stop margin). */
  markAt = (ticker: string): number => {
    const g = this.opts.world.games.find((x) => marketsOf(x).some((m) => m.ticker === ticker));
    return g ? g.path.times.startMs - this.opts.stopMarginMs : Number.POSITIVE_INFINITY;
  };

  finish(): RulerScore {
    this.unsubscribe();
    return rulerScore({
      fills: this.fills,
      truth: this.truth,
      markAt: this.markAt,
      settlement: (ticker) => this.settled.get(ticker),
      ...(this.opts.world.games.some((g) => g.ladders) ? { kindOf: this.kindOf } : {}),
    });
  }
}
