/**
 * The kill switch's flattener, built on shared/kill/cancel-until-flat.ts (the
 * same loop the kill-switch Lambda runs) over the engine's exchange gateway.
 */
import type { Clock } from '../../../shared/clock.ts';
import {
  type CancelPort,
  type CancelReport,
  cancelUntilFlat,
  type RoundReport,
} from '../../../shared/kill/cancel-until-flat.ts';
import type { ExchangeGateway, ExchangeOrder, Flattener } from '../ports.ts';

export interface FlattenOptions {
  clock: Clock;
  deadlineMs: number;
  pauseMs: number;
  onRound?: (round: RoundReport) => void;
  /**
   * Which resting orders this flattener may cancel. Absent: every order on the
   * account, with Kalshi's cancel-all first (one worker per account). A worker
   * that shares the account with other shards passes its own orders only, and
   * never uses cancel-all: its stop must not pull the other shards' quotes. The
   * account-wide sweep is the kill-switch Lambda's job.
   */
  owns?: (order: Pick<ExchangeOrder, 'ticker' | 'clientOrderId'>) => boolean;
  /** The engine's own order writes still on the wire: no listing counts toward flat while any is. */
  writesInFlight?: () => number;
  /** Keep cancelling (bulk, by group, by listed order) this long even after listings look empty. */
  floodMs?: number;
  /** Delete our order groups too when alone on the account (default true; a pause keeps them). */
  deleteGroups?: boolean;
}

export function cancelPortOf(
  gateway: ExchangeGateway,
  owns?: FlattenOptions['owns'],
  writesInFlight?: FlattenOptions['writesInFlight'],
  deleteGroups = true,
): CancelPort {
  const port: CancelPort = {
    listResting: async () =>
      (await gateway.listRestingOrders())
        .filter((o) => owns === undefined || owns(o))
        .map((o) => ({
          orderId: o.orderId,
          ticker: o.ticker,
          ...(o.exchangeIndex === undefined ? {} : { exchangeIndex: o.exchangeIndex }),
        })),
    cancel: async (o) => {
      const [r] = await gateway.cancelOrders([
        {
          orderId: o.orderId,
          ticker: o.ticker,
          ...(o.exchangeIndex === undefined ? {} : { exchangeIndex: o.exchangeIndex }),
        },
      ]);
      // A refusal that says the order is gone is fine: the next listing is the judge.
      if (!r || (!r.ok && r.kind !== 'rejected'))
        throw new Error(`cancel ${o.orderId}: ${r ? r.message : 'no result'}`);
    },
  };
  if (gateway.cancelAll && owns === undefined) port.cancelAll = () => gateway.cancelAll!();
  // Alone on the account: every order group of ours goes too (the exchange cancels what rests in it).
  if (deleteGroups && gateway.listOrderGroups && gateway.deleteOrderGroup && owns === undefined)
    port.cancelGroups = async () => {
      const ids = await gateway.listOrderGroups!();
      await Promise.allSettled(ids.map((id) => gateway.deleteOrderGroup!(id)));
    };
  if (writesInFlight) port.writesInFlight = writesInFlight;
  return port;
}

export function gatewayFlattener(gateway: ExchangeGateway, opts: FlattenOptions): Flattener {
  return async (_reason, onFlat, aborted) => {
    const r = await cancelUntilFlat(
      cancelPortOf(gateway, opts.owns, opts.writesInFlight, opts.deleteGroups),
      {
        clock: opts.clock,
        deadlineMs: opts.deadlineMs,
        pauseMs: opts.pauseMs,
        onRound: opts.onRound,
        ...(opts.floodMs === undefined ? {} : { floodMs: opts.floodMs }),
        ...(onFlat ? { onFlat: (f: CancelReport) => onFlat(resultOf(f)) } : {}),
        ...(aborted ? { aborted } : {}),
      },
    );
    return resultOf(r);
  };
}

/** A listing that never succeeded (or failed last) leaves the count unknown (−1), never 0. */
function resultOf(r: CancelReport) {
  return {
    flat: r.flat,
    attempts: r.rounds,
    elapsedMs: r.elapsedMs,
    remaining: r.remainingKnown ? r.remaining.length : -1,
  };
}
