/**
 * One line of the session journal (worker/journal/): what the TradingSession
 * received through its ports and what it did through them, in the order it
 * happened, each stamped with the session clock's time. Not to be confused
 * with the store's orders audit trail (shared/store/journal.ts): that one is
 * a DynamoDB record of orders; this one is a replayable tape of a whole run.
 *
 * Kinds (short keys: a trading day is millions of lines):
 * - `head`  the run: journal version, engine config, shard, quoter;
 * - `mark`  the session was started / stopped (and why);
 * - `feed`  a feed event handed to the session;
 * - `book`  a market's book as the session read it (written when it changed since the last read);
 * - `call`  a port call (writes, listings, theos, flags, refresh, flatten …) with its arguments;
 * - `ans` / `err`  the answer to call `id` (a value, or a thrown error's message);
 * - `sync`  a synchronous port answer (the mapper's match);
 * - `cb`    a callback a port made into the session (the flattener's first flat verdict);
 * - `tick`  the session's timer `n` fired; `run`: its deferred task `n` ran.
 */
import * as z from 'zod';

export const JOURNAL_VERSION = 1;

const level = z.tuple([z.number(), z.number()]);
export const journalBookSchema = z.object({
  bids: z.array(level),
  asks: z.array(level),
  valid: z.boolean(),
  u: z.number(),
});
export type JournalBook = z.infer<typeof journalBookSchema>;

const t = z.number().finite();
export const journalEntrySchema = z.discriminatedUnion('k', [
  z.object({
    t,
    k: z.literal('head'),
    v: z.literal(JOURNAL_VERSION),
    config: z.record(z.string(), z.unknown()),
    shard: z.object({ index: z.number().int(), count: z.number().int() }),
    /** 'engine': the default quoter from the config; anything else cannot be rebuilt by a replay. */
    quoter: z.string(),
    /** Optional ports the session had (killFlag, lease, refresh, dayPnl, pauseFlatten). */
    ports: z.array(z.string()),
  }),
  z.object({ t, k: z.literal('mark'), m: z.enum(['start', 'stop']), reason: z.string().optional() }),
  z.object({ t, k: z.literal('feed'), e: z.record(z.string(), z.unknown()) }),
  z.object({ t, k: z.literal('book'), ticker: z.string(), b: journalBookSchema.nullable() }),
  z.object({ t, k: z.literal('call'), id: z.number().int(), m: z.string(), a: z.array(z.unknown()) }),
  z.object({ t, k: z.literal('ans'), id: z.number().int(), v: z.unknown().optional() }),
  z.object({ t, k: z.literal('err'), id: z.number().int(), e: z.string() }),
  z.object({ t, k: z.literal('sync'), m: z.string(), a: z.array(z.unknown()), v: z.unknown().optional() }),
  z.object({ t, k: z.literal('cb'), id: z.number().int(), v: z.unknown().optional() }),
  z.object({ t, k: z.literal('tick'), n: z.number().int() }),
  z.object({ t, k: z.literal('run'), n: z.number().int() }),
]);
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/**
 * The calls that are the session's decisions: what it asked the exchange (and the rest of the system)
 * to do. A replay compares these, in order, with the journal's.
 */
export const DECISION_METHODS: ReadonlySet<string> = new Set([
  'createOrders',
  'amendOrder',
  'decreaseOrder',
  'cancelOrders',
  'createOrderGroup',
  'resetOrderGroup',
  'deleteOrderGroup',
  'setOrderGroupLimit',
  'cancelAll',
  'flatten',
  'pauseFlatten',
  'refresh',
  'track',
]);

/** Anything that sinks journal entries; it never throws into its caller. */
export interface JournalSink {
  append(entry: JournalEntry): void;
}
