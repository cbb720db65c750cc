/**
 * A bounded memo for name normalisation: matching compares every Kalshi side
 * with every Odds API name of the sport (hundreds of college games a day), and
 * the worker runs discovery on its trading thread. Cleared when full, so it
 * never grows without bound on a long-running worker.
 */
export function memoize<T>(fn: (s: string) => T, maxEntries = 20_000): (s: string) => T {
  const cache = new Map<string, T>();
  return (s: string) => {
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    const v = fn(s);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(s, v);
    return v;
  };
}
