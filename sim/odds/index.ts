/** The Odds API simulator: `startOddsSim` on a loopback socket, plus its request handler and faults. */
export { createOddsFaults, FEATURED_MARKETS, handleOddsRequest, type OddsFaults, REGIONS } from './api.ts';
export { americanPrice, bookLine, decimalPrice } from './lines.ts';
export { type OddsSim, type OddsSimOptions, startOddsSim } from './server.ts';
