/**
 * The odds path the odds Lambdas run, as one entry for bench/odds-aggregation.ts
 * to bundle the way infra/constructs/lambda.ts does (esbuild, minified): tsx,
 * which runs the benches, adds a `__name` call to every closure it creates,
 * a cost the deployed code does not pay.
 */
export { computeTheos } from '../shared/odds/aggregate.ts';
export { parseOddsResponseFast } from '../shared/odds/fast-odds.ts';
export { OddsResponseSchema } from '../shared/odds/schemas.ts';
