/** The report of `npm run bench:instance`: closed-loop ratio, fixed-rate latency, engine stages. */
import type { EngineProfile } from './engine-stages.ts';
import type { LoadResult } from './load.ts';
import type { PacedResult } from './paced.ts';
import { table, type MachineFacts } from './report.ts';

/** The targets of issue 5, item 8. */
export const INSTANCE_TARGETS = {
  /** kro-guard's closed-loop requests/s at least this share of the echo's. */
  minRequestsPerSecRatio: 0.4,
  /** kro-guard's p99 (from the schedule) at the fixed rate below this, ms. */
  maxP99AtRateMs: 5,
} as const;

/** The instance review every request carries. */
export interface InstanceInputFacts {
  rgdFile: string;
  instanceFile: string;
  rgdName: string;
  resources: number;
  /** `group/version kind` of the instance. */
  instanceKind: string;
  /** Optional rules the policy enables on top of `include: ['*']`. */
  enabledOptionalRules: string[];
  policyMode: string;
  requestBytes: number;
  responseBytes: number;
  /** `response.allowed` of kro-guard's answer. */
  allowed: boolean;
}

/** Everything one run produced (the `--json` output). */
export interface InstanceBenchReport {
  machine: MachineFacts;
  /** How the TypeScript sources were loaded (`node` type stripping, or a loader such as tsx). */
  loader: string;
  settings: {
    durationS: number;
    warmupS: number;
    connections: number;
    pipelining: 1;
    rate: number;
    rateDurationS: number;
    rateSockets: number;
    kroGuardWorkers: number;
  };
  input: InstanceInputFacts;
  /** Closed-loop runs (autocannon): kro-guard, then the echo. */
  results: LoadResult[];
  /** kro-guard divided by echo, closed loop. */
  ratio: { requestsPerSec: number; p99: number };
  /** Fixed-rate runs: kro-guard, then the echo. */
  atRate: PacedResult[];
  targets: {
    requestsPerSecRatio: { target: number; measured: number; met: boolean };
    p99AtRateMs: { rate: number; target: number; measured: number; met: boolean };
  };
  engine?: EngineProfile;
  /** True when no request errored. */
  ok: boolean;
}

const us = (n: number): string => n.toFixed(1);

function engineSection(engine: EngineProfile): string[] {
  const rows = engine.stages.map((s) => [
    s.name,
    us(s.medianUs),
    us(s.p99Us),
    `${((100 * s.medianUs) / engine.sumOfMediansUs).toFixed(1)} %`,
    s.description,
  ]);
  rows.push(['sum of medians', us(engine.sumOfMediansUs), '', '100 %', '']);
  rows.push([
    engine.whole.name,
    us(engine.whole.medianUs),
    us(engine.whole.p99Us),
    '',
    engine.whole.description,
  ]);
  const verdicts = Object.entries(engine.findings.byVerdict)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const ruleRows = engine.rules.map((r) => [
    r.ruleId,
    String(r.checks),
    us(r.medianUs),
    `${(100 * r.share).toFixed(1)} %`,
  ]);
  return [
    '',
    `engine, in-process (no HTTP, no worker thread), ${engine.iterations} reviews, µs per review:`,
    table(['stage', 'median', 'p99', 'share', 'what'], rows),
    `rules: ${engine.findings.rulesRun} rules ran on ${engine.findings.childrenChecked} children: ${verdicts}`,
    `cache miss (RGD without uid + resourceVersion): compileRgd median ${(engine.compileRgd.medianUs / 1000).toFixed(1)} ms, p99 ${(engine.compileRgd.p99Us / 1000).toFixed(1)} ms (${engine.compileRgd.iterations} runs)`,
    '',
    `costliest rules (median µs per review over ${engine.ruleIterations} reviews, checks = children checked):`,
    table(['rule', 'checks', 'median µs', 'share of rules'], ruleRows),
  ];
}

/** The human-readable report. */
export function formatInstanceReport(report: InstanceBenchReport): string {
  const { machine, settings, input, targets } = report;
  const closed = report.results.map((r) => [
    r.target,
    r.requestsPerSec.toFixed(1),
    r.latencyMs.p50.toFixed(2),
    r.latencyMs.p99.toFixed(2),
    String(r.errorCount),
    String(r.responses),
  ]);
  const paced = report.atRate.map((r) => [
    r.target,
    r.achievedPerSec.toFixed(1),
    r.latencyMs.p50.toFixed(2),
    r.latencyMs.p90.toFixed(2),
    r.latencyMs.p99.toFixed(2),
    r.latencyMs.max.toFixed(2),
    String(r.maxInFlight),
    String(r.errorCount),
  ]);
  const inverse = report.ratio.requestsPerSec > 0 ? (1 / report.ratio.requestsPerSec).toFixed(1) : 'inf';
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  return [
    `machine: Node ${machine.node}, ${machine.cpuCount} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.platform}; sources loaded by ${report.loader}`,
    `settings: closed loop ${settings.durationS} s after ${settings.warmupS} s warm-up per target, ${settings.connections} connections, pipelining ${settings.pipelining}; fixed rate ${settings.rate}/s for ${settings.rateDurationS} s after ${settings.warmupS} s warm-up, at most ${settings.rateSockets} connections; kro-guard workers ${settings.kroGuardWorkers}`,
    `input: instance ${input.instanceKind} of RGD ${input.rgdName} (${input.resources} resources); policy: every built-in rule (include *, enable ${input.enabledOptionalRules.length} optional), mode ${input.policyMode}; request ${input.requestBytes} B, response ${input.responseBytes} B (allowed: ${input.allowed})`,
    '',
    'closed loop (autocannon):',
    table(['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'errors', 'responses'], closed),
    `ratio kro-guard / echo: requests/s ${report.ratio.requestsPerSec} (echo is ${inverse}x faster), p99 ${report.ratio.p99}x`,
    '',
    `fixed rate ${settings.rate}/s (open loop; latency from each request's scheduled send time):`,
    table(['target', 'achieved/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'max in flight', 'errors'], paced),
    '',
    `target requests/s ratio >= ${targets.requestsPerSecRatio.target}: ${targets.requestsPerSecRatio.measured} (${met(targets.requestsPerSecRatio.met)})`,
    `target p99 < ${targets.p99AtRateMs.target} ms at ${targets.p99AtRateMs.rate}/s: ${targets.p99AtRateMs.measured} ms (${met(targets.p99AtRateMs.met)})`,
    ...(report.engine === undefined ? [] : engineSection(report.engine)),
    '',
    report.ok ? 'result: OK, no request errored' : 'result: FAILED, some requests errored (see above)',
  ].join('\n');
}
