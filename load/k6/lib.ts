/**
 * Turns a scenario from ../scenarios.ts into a k6 script: options (executor, thresholds), a setup that reads
 * the fixtures from the service, and the per-iteration function. Runs in k6 only (no Node APIs).
 *
 * Parameters (`k6 run -e NAME=value`): BASE_URL (default http://localhost:4000), VUS and DURATION (seconds)
 * to override a constant load, P95_MS / P99_MS to override the latency thresholds, OPERATIONS (names from the
 * scenario's mix, comma-separated) to send only those.
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { Rate } from 'k6/metrics';
import {
  bodyHasGraphQLErrors,
  createRng,
  FIXTURE_BODY,
  newRunId,
  onlyOperations,
  parseFixtures,
  pickOperation,
  type Fixtures,
  type Scenario,
} from '../scenarios.ts';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:4000').replace(/\/+$/, '');
const ENDPOINT = `${BASE_URL}/graphql`;
/** With `-e API_KEY=…` every request carries the key (a service with AUTH_MODE=required needs read and write). */
const HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  accept: 'application/json',
  ...(__ENV.API_KEY ? { authorization: `Bearer ${__ENV.API_KEY}` } : {}),
  // As browsers do (e.g. `gzip, br`): the service then compresses large responses, and k6 decodes them.
  ...(__ENV.ACCEPT_ENCODING ? { 'accept-encoding': __ENV.ACCEPT_ENCODING } : {}),
};

/** Share of responses whose body carried GraphQL errors (a 200 with `errors` is still a failure). */
const graphqlErrors = new Rate('graphql_errors');

function envNumber(name: string): number | undefined {
  const v = __ENV[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
}

/** k6 options for a scenario: its load shape as one k6 scenario, and its thresholds. */
export function k6Options(scenario: Scenario): Options {
  const failed = `rate<${scenario.thresholds.failedRate}`;
  const p95 = envNumber('P95_MS') ?? scenario.thresholds.p95Ms;
  const p99 = envNumber('P99_MS') ?? scenario.thresholds.p99Ms;
  const load = scenario.load;
  const executor =
    load.kind === 'constant'
      ? {
          executor: 'constant-vus' as const,
          vus: envNumber('VUS') ?? load.connections,
          duration: `${envNumber('DURATION') ?? load.durationSeconds}s`,
        }
      : {
          executor: 'ramping-vus' as const,
          startVUs: load.startConnections,
          stages: load.stages.map((s) => ({ duration: `${s.durationSeconds}s`, target: s.target })),
          gracefulRampDown: '5s',
        };
  return {
    scenarios: { [scenario.name]: executor },
    thresholds: {
      http_req_failed: [failed],
      graphql_errors: [failed],
      http_req_duration: [`p(95)<${p95}`, `p(99)<${p99}`],
    },
    summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
  };
}

/** Runs once before the load: reads the templates and categories every VU will use. */
export function k6Setup(): Fixtures {
  const res = http.post(ENDPOINT, JSON.stringify(FIXTURE_BODY), { headers: HEADERS });
  if (res.status !== 200) throw new Error(`fixture query to ${ENDPOINT} answered ${res.status}: ${String(res.body)}`);
  return parseFixtures(res.json(), newRunId(Date.now(), Math.random));
}

let rng: (() => number) | undefined;

/** One iteration: a weighted pick from the scenario's mix, sent as one GraphQL request. */
export function k6Iteration(scenario: Scenario, fixtures: Fixtures): void {
  if (!rng) rng = createRng(__VU * 7919 + 1);
  const op = pickOperation(scenario.mix, rng());
  const body = op.build({ rng, fixtures, vu: __VU, iteration: __ITER });
  const res = http.post(ENDPOINT, JSON.stringify(body), { headers: HEADERS, tags: { op: op.name } });
  const text = typeof res.body === 'string' ? res.body : '';
  const hasErrors = res.status !== 200 || bodyHasGraphQLErrors(text);
  graphqlErrors.add(hasErrors, { op: op.name });
  check(res, { [`${op.name} ok`]: () => !hasErrors });
}

/** The three exports a k6 script needs for a scenario. */
export function k6Script(whole: Scenario) {
  const scenario = __ENV.OPERATIONS ? onlyOperations(whole, __ENV.OPERATIONS.split(',').filter(Boolean)) : whole;
  return {
    options: k6Options(scenario),
    setup: k6Setup,
    run: (fixtures: Fixtures) => k6Iteration(scenario, fixtures),
  };
}
