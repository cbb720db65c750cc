/**
 * The kill-switch Lambda's stand-in for `--stage local` (the paper stack) and
 * tests: the same requests, validated by the Lambda's own schemas, acting on
 * the flag the Lambda sets first. The paper worker obeys that flag and cancels
 * its own orders; there is no separate Kalshi account to sweep here.
 */
import { manualClearSchema, manualKillSchema } from '../../functions/kill-switch.ts';
import type { KillStore } from '../../shared/store/kill.ts';
import type { KillSwitchInvoker, KillSwitchRequest } from './desk.ts';

export function localKillSwitch(
  kill: Pick<KillStore, 'set' | 'clear'>,
  now: () => number,
  audit?: (request: KillSwitchRequest) => void,
): KillSwitchInvoker {
  return async (request) => {
    audit?.(request);
    if (request.action === 'kill') {
      const r = manualKillSchema.parse(request);
      await kill.set('global', 'kill', r.reason, r.requestedBy, now());
    } else {
      const r = manualClearSchema.parse(request);
      await kill.clear('global', r.requestedBy, now());
    }
  };
}
