/**
 * Sampled quote decisions for the audit trail (DynamoDB `DEC#<event>`, one per
 * game per sampling interval, 7-day TTL): what the quoter saw and what it
 * wanted, so "why did we quote that?" has an answer after the fact.
 *
 * Wraps the Quoter port; the quoter's own result is returned untouched and a
 * failed write is counted, never thrown into the requote path.
 */
import type { GameQuotes, QuoteContext, Quoter } from '../ports.ts';

export interface DecisionSink {
  /** Cheap pre-check, so an unsampled decision costs no serialisation. */
  shouldSample(eventTicker: string, now: number): boolean;
  record(entry: { eventTicker: string; ts: number; decision: string }): Promise<unknown>;
}

/** Book levels kept per side in a record: what the quoter looked at, not the whole ladder. */
const LEVELS = 5;

/** The record's JSON: integers as the engine holds them (Micros prices, Centis sizes, epoch ms). */
export function describeDecision(ctx: QuoteContext, out: GameQuotes): string {
  const books = [...ctx.books].map(([ticker, b]) => ({
    ticker,
    valid: b?.valid ?? false,
    bids: (b?.bids ?? []).slice(0, LEVELS).map((l) => [l.price, l.size]),
    asks: (b?.asks ?? []).slice(0, LEVELS).map((l) => [l.price, l.size]),
  }));
  return JSON.stringify({
    now: ctx.now,
    theo: {
      oddsEventId: ctx.theo.oddsEventId,
      probabilities: ctx.theo.probabilities,
      updatedMs: ctx.theo.updatedMs,
      books: ctx.theo.books,
    },
    limit: ctx.limit,
    stopAtMs: ctx.stopAtMs,
    positions: Object.fromEntries(ctx.positions),
    entryPrices: Object.fromEntries(ctx.entryPrices),
    books,
    ownOrders: ctx.ownOrders.map((o) => ({
      ticker: o.ticker,
      side: o.side,
      price: o.price,
      remaining: o.remaining,
      state: o.state,
    })),
    quotes: out.quotes,
    modes: out.modes,
    reasons: out.reasons,
  });
}

export function decisionLoggingQuoter(
  inner: Quoter,
  sink: DecisionSink,
  onError: (error: string) => void,
): Quoter {
  const logged: Quoter = (ctx) => {
    const out = inner(ctx);
    const eventTicker = ctx.game.eventTicker;
    if (sink.shouldSample(eventTicker, ctx.now)) {
      try {
        sink
          .record({ eventTicker, ts: ctx.now, decision: describeDecision(ctx, out) })
          .catch((err: unknown) => onError(err instanceof Error ? err.message : String(err)));
      } catch (err) {
        onError(err instanceof Error ? err.message : String(err));
      }
    }
    return out;
  };
  // What the engine reads off the quoter (strikeParams: the strike model) stays with the wrapper;
  // without it every strike was quoted at the fixed baseline in live and paper.
  return Object.assign(logged, inner);
}
