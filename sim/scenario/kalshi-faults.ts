/**
 * Scenario fault names for the Kalshi simulator, mapped onto its run-time
 * switches (sim/kalshi/faults.ts). A setting is switched on with
 * `params.value` (a rate, a count or milliseconds; booleans need none) and
 * back to its quiet default when the fault's duration ends. One-shot actions
 * act once when switched on.
 */
import type { KalshiEngine } from '../kalshi/engine.ts';
import { type FaultSettings, type Faults, NO_FAULTS } from '../kalshi/faults.ts';
import type { KalshiFaultSwitch } from './runner.ts';

export const KALSHI_FAULT_SETTINGS = Object.keys(NO_FAULTS) as (keyof FaultSettings)[];
export const KALSHI_FAULT_ACTIONS = [
  'dropWebSockets',
  'halfOpenWebSockets',
  'gapNow',
  'burst429',
  'burst5xx',
] as const;
/** Exchange states switched through the engine: a trading pause (Kalshi's weekly maintenance, halts). */
export const KALSHI_EXCHANGE_STATES = ['exchangePaused'] as const;
export const KALSHI_FAULT_NAMES: readonly string[] = [
  ...KALSHI_FAULT_SETTINGS,
  ...KALSHI_FAULT_ACTIONS,
  ...KALSHI_EXCHANGE_STATES,
];

/** Default strength when a scenario names a fault without `params.value`. */
const DEFAULT_ON: Partial<Record<keyof FaultSettings, number>> = {
  wsDropRate: 0.01,
  seqGapRate: 0.02,
  duplicateFillRate: 0.2,
  lateFillMs: 1500,
  rest429Remaining: 5,
  rest5xxRemaining: 3,
  rest5xxRate: 0.05,
  slowResponseMs: 800,
  lyingCancelMs: 3000,
  wrongOrderResponseRate: 0.2,
  numbersAsNumbersRate: 0.1,
};

export function kalshiFaultSwitch(
  faults: Faults,
  engine?: Pick<KalshiEngine, 'setTradingActive'>,
): KalshiFaultSwitch {
  return {
    set(name, on, params = {}) {
      if (name === 'exchangePaused') {
        if (!engine) throw new RangeError('exchangePaused needs the exchange engine');
        engine.setTradingActive(!on);
        return;
      }
      if ((KALSHI_FAULT_SETTINGS as string[]).includes(name)) {
        const key = name as keyof FaultSettings;
        const quiet = NO_FAULTS[key];
        if (typeof quiet === 'boolean') faults.set({ [key]: on } as Partial<FaultSettings>);
        else
          faults.set({
            [key]: on ? (params['value'] ?? DEFAULT_ON[key] ?? 1) : quiet,
          } as Partial<FaultSettings>);
        return;
      }
      if (!on) return;
      switch (name) {
        case 'dropWebSockets':
          return faults.dropWebSockets();
        case 'halfOpenWebSockets':
          return faults.halfOpenWebSockets();
        case 'gapNow':
          return faults.gapNow();
        case 'burst429':
          return faults.burst429(params['count'] ?? 5);
        case 'burst5xx':
          return faults.burst5xx(params['count'] ?? 3);
        default:
          throw new RangeError(`unknown Kalshi fault ${name}; known: ${KALSHI_FAULT_NAMES.join(', ')}`);
      }
    },
  };
}

/** Names in a scenario's Kalshi faults that the simulator does not know. */
export function unknownKalshiFaults(names: readonly string[]): string[] {
  return names.filter((n) => !KALSHI_FAULT_NAMES.includes(n));
}
