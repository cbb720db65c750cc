/**
 * Can a market settle other than YES/NO on the result? Read from the market's
 * rules text (`rules_primary`, `rules_secondary`), whose wording Kalshi does
 * not standardise, so the reading is conservative.
 *
 * The choice (docs/THEO.md "Voids and retirements"):
 * - `binary`: quoted.
 * - `void-refund`: the market is voided or refunded when the contest does not
 *   happen (cancelled fight, walkover) or is settled on who advances
 *   (retirement). The books void or settle the same way, so their price is the
 *   price conditional on the contest: quoted, with the sport's tighter limits
 *   (shared/risk/limits.ts) for the residual mismatch.
 * - `non-binary`: the market may settle at a value between 0 and 1 (a "fair
 *   price", the last traded price, 50¢). No book prices that: not quoted.
 */

export type SettlementKind = 'binary' | 'void-refund' | 'non-binary';

export interface SettlementReading {
  kind: SettlementKind;
  /** the words that decided it, for the operator */
  phrase: string | null;
}

const NON_BINARY: readonly RegExp[] = [
  /fair (?:market )?(?:price|value)/i,
  /last traded price/i,
  /(?:settle|resolve)s? (?:at|to) (?:a |the )?(?:price|value) (?:of|between|determined)/i,
  /\$0?\.50\b|50\s*(?:¢|cents)/i,
  /pro[- ]rata/i,
];

const VOID: readonly RegExp[] = [
  /\bvoid(?:ed)?\b/i,
  /\brefund(?:ed)?\b/i,
  /\bcancel(?:l)?ed\b|\bcancel(?:l)?ation\b/i,
  /\bpostpone(?:d|ment)?\b/i,
  /\bretire(?:s|d|ment)?\b/i,
  /\bwalkover\b/i,
  /\bno contest\b/i,
  /\bdisqualif\w*/i,
];

export function readSettlement(rules: string | null | undefined): SettlementReading {
  const text = rules ?? '';
  for (const re of NON_BINARY) {
    const m = re.exec(text);
    if (m) return { kind: 'non-binary', phrase: m[0] };
  }
  for (const re of VOID) {
    const m = re.exec(text);
    if (m) return { kind: 'void-refund', phrase: m[0] };
  }
  return { kind: 'binary', phrase: null };
}

/** The worst reading over a game's markets (non-binary > void-refund > binary). */
export function gameSettlement(rules: readonly (string | null | undefined)[]): SettlementReading {
  const order: SettlementKind[] = ['binary', 'void-refund', 'non-binary'];
  let worst: SettlementReading = { kind: 'binary', phrase: null };
  for (const r of rules) {
    const reading = readSettlement(r);
    if (order.indexOf(reading.kind) > order.indexOf(worst.kind)) worst = reading;
  }
  return worst;
}
