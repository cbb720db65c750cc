/**
 * The engine's `strikeTheos` port as the worker wires it (issue #17): present
 * only when ladders are switched on (`LADDER_SPORTS`, paper mode on a ladder
 * scenario) and the store keeps strike fits; limited to the named sports.
 * Without it the session is winner-only, exactly as before.
 */
import { type LadderSports, laddersOn } from '../../../shared/config/ladder-sports.ts';
import type { StrikeTheoStore } from '../../../shared/store/strike-theos.ts';
import type { EngineLogger, StrikeTheoSource } from '../ports.ts';
import { storeStrikeTheoSource } from './store.ts';

export function ladderPort(
  ladderSports: LadderSports | undefined,
  store: { strikeTheos?: Pick<StrikeTheoStore, 'getMany'> },
  log: Pick<EngineLogger, 'info' | 'warn'>,
): { strikeTheos?: StrikeTheoSource } {
  if (!laddersOn(ladderSports)) return {};
  if (!store.strikeTheos) {
    // Switched on but nothing to read fits from: say so rather than list ladders that can never be priced.
    log.warn('ladders_without_strike_store', { ladderSports });
    return {};
  }
  log.info('ladders_on', { ladderSports });
  const source = storeStrikeTheoSource(store.strikeTheos);
  return { strikeTheos: ladderSports === 'all' ? source : { ...source, sports: ladderSports } };
}
