// Display formatting for integer Micros (1e-6 dollar) and Centis (1e-2 contract).

/** Price in Micros → cents text: "56¢", "56.5¢". */
export function cents(micros) {
  if (micros === null || micros === undefined) return '–';
  const c = micros / 10_000;
  return `${Number.isInteger(c) ? c : c.toFixed(1)}¢`;
}

/** Money in Micros → "$1.23", "−$0.40". */
export function dollars(micros) {
  if (micros === null || micros === undefined) return '–';
  const sign = micros < 0 ? '−' : '';
  return `${sign}$${(Math.abs(micros) / 1_000_000).toFixed(2)}`;
}

/** Size in Centis → contracts: "10", "2.5". */
export function contracts(centis) {
  const n = centis / 100;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Signed size in Centis → "+10", "−3". */
export function signedContracts(centis) {
  if (centis === 0) return '0';
  return `${centis > 0 ? '+' : '−'}${contracts(Math.abs(centis))}`;
}

/** Probability → "56.3%". */
export function pct(p) {
  return p === null || p === undefined ? '–' : `${(p * 100).toFixed(1)}%`;
}

/** Milliseconds → "1:02:03", "12:34", "45s". */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
  if (m > 0) return `${m}:${String(r).padStart(2, '0')}`;
  return `${r}s`;
}

/** Time to start: "T−12:34" before, "live +5:00" after. */
export function toStart(startTime, now) {
  return startTime > now ? `T−${duration(startTime - now)}` : `live +${duration(now - startTime)}`;
}

/** Epoch ms → "HH:MM:SS" (UTC: the simulator's clock and the exchange's are UTC). */
export function clockTime(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

const zoneFormats = new Map();

/** Epoch ms → "HH:MM" (or "HH:MM:SS") in an IANA zone; "" for a zone the browser does not know. */
export function zonedTime(ms, timeZone, seconds = false) {
  const key = `${timeZone}|${seconds}`;
  let f = zoneFormats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        ...(seconds ? { second: '2-digit' } : {}),
        hourCycle: 'h23',
      });
    } catch {
      return '';
    }
    zoneFormats.set(key, f);
  }
  return f.format(new Date(ms));
}

/** "America/New_York" → "New York". */
export function zoneName(timeZone) {
  return (timeZone.split('/').pop() ?? timeZone).replaceAll('_', ' ');
}

// Quoting reasons: the closed set of shared/liveness/quoting-state.ts (a test keeps the two equal),
// each with its text and kind: 'ok' quoting; 'expected' idle by design (no theo, outside the window,
// at the limit, killed, paused by an operator); 'unexpected' a stop the liveness alarm watches.
export const QUOTING_REASONS = {
  quoting: { text: 'quoting', kind: 'ok' },
  warming: { text: 'warming up', kind: 'unexpected' },
  'no-theo': { text: 'no theo', kind: 'expected' },
  'no-odds-source': { text: 'no odds source', kind: 'expected' },
  'theo-stale': { text: 'theo stale', kind: 'unexpected' },
  'outside-window': { text: 'outside window', kind: 'expected' },
  'at-limit': { text: 'at limit', kind: 'expected' },
  'market-paused': { text: 'market paused', kind: 'unexpected' },
  'market-inactive': { text: 'market inactive', kind: 'unexpected' },
  'group-tripped': { text: 'order group tripped', kind: 'unexpected' },
  'writes-refused': { text: 'writes refused', kind: 'unexpected' },
  'insufficient-balance': { text: 'insufficient balance', kind: 'unexpected' },
  'book-not-live': { text: 'book not live', kind: 'unexpected' },
  'feed-down': { text: 'feed down', kind: 'unexpected' },
  'lease-lost': { text: 'lease lost', kind: 'unexpected' },
  killed: { text: 'killed', kind: 'expected' },
  'paused-by-operator': { text: 'paused by operator', kind: 'expected' },
  'no-strike-theo': { text: 'no strike theo', kind: 'expected' },
};

/** A game's state (a quoting reason, or "paused" from the desk) → text and kind; an unknown one is shown as sent, unexpected. */
export function quotingReason(state) {
  if (state === 'paused') return { text: 'paused', kind: 'expected' };
  if (Object.hasOwn(QUOTING_REASONS, state)) return QUOTING_REASONS[state];
  return { text: String(state), kind: 'unexpected' };
}
