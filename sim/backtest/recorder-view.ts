/**
 * The part of the dashboard's view the run recorder reads (scripts/paper/recorder.ts:
 * `RecorderView`), built straight from the session's snapshot by the dashboard's own rules
 * (worker/dashboard/session-adapter.ts): the game's limits, each market's theo, our quotes
 * and its best levels. The backtest samples it every few scenario seconds; the whole
 * dashboard state (fills tape, alerts, every field of every game) was a fifth of the run's
 * sampling cost and nobody reads it in a backtest. The test holds the two equal field for
 * field over a real run (test/sim/backtest/recorder-view.test.ts).
 */
import type { RecorderView } from '../../scripts/paper/recorder.ts';
import type { Level, OurQuote } from '../../worker/dashboard/view-model.ts';
import type { BookReader } from '../../worker/engine/ports.ts';
import type { GameQuotes, SlotView } from '../../worker/engine/projection.ts';

/** Book levels per side the dashboard shows (sessionDashboard's default depth). */
export const DASHBOARD_DEPTH = 3;

function quoteOf(slot: SlotView | null): OurQuote | null {
  if (!slot) return null;
  const status = slot.state === 'resting' ? 'resting' : slot.state === 'pending' ? 'pending' : 'uncertain';
  return { price: slot.price, size: slot.size, status };
}

/**
 * `s`: the session's snapshot, or its games in the recorder's fields alone (`TradingSession.quotes()`,
 * what the backtest samples: the snapshot's copies of fills, theos and PnL were most of a sample).
 */
export function recorderView(
  s: { readonly games: readonly GameQuotes[] },
  books: BookReader,
  depth = DASHBOARD_DEPTH,
): RecorderView {
  const levels = (ticker: string, side: 'bids' | 'asks', best: number | null, bestSize: number): Level[] => {
    const book = books.book(ticker);
    if (book?.valid) return book[side].slice(0, depth).map((l) => ({ price: l.price, size: l.size }));
    return best === null ? [] : [{ price: best, size: bestSize }];
  };
  return {
    games: s.games.map((g) => ({
      id: g.eventTicker,
      inventoryLimit: Math.max(0, g.limit),
      inventoryLimitMax: Math.max(0, g.limit, g.maxLimit ?? 0),
      markets: g.markets.map((m) => ({
        ticker: m.ticker,
        theo: m.theo !== null && m.theo > 0 && m.theo < 1 ? m.theo : null,
        bids: levels(m.ticker, 'bids', m.bestBid, m.bestBidSize),
        asks: levels(m.ticker, 'asks', m.bestAsk, m.bestAskSize),
        ours: { bid: quoteOf(m.ourBid), ask: quoteOf(m.ourAsk) },
      })),
    })),
  };
}
