/** The benchmark's report: machine facts, the results table and the kro-guard / echo ratios. */
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import type { LoadResult } from './load.ts';
import { round } from './stats.ts';

/** Where the numbers were taken. */
export interface MachineFacts {
  node: string;
  platform: string;
  cpuCount: number;
  cpuModel: string;
  memoryGiB: number;
}

/** The RGD every request carries. */
export interface InputFacts {
  file: string;
  name: string;
  yamlBytes: number;
  resources: number;
  /** Size of the AdmissionReview request body. */
  requestBytes: number;
  /** Size of kro-guard's (and so the echo's) response body. */
  responseBytes: number;
  /** `response.allowed` of kro-guard's answer. */
  allowed: boolean;
}

/** Everything one run produced (the `--json` output). */
export interface BenchReport {
  machine: MachineFacts;
  settings: {
    durationS: number;
    warmupS: number;
    connections: number;
    pipelining: 1;
    kroGuardWorkers: number;
  };
  input: InputFacts;
  results: LoadResult[];
  /** kro-guard divided by echo. */
  ratio: { requestsPerSec: number; p99: number };
  ok: boolean;
}

/** Node version, OS, CPU count and model, memory of this machine. */
export function machineFacts(): MachineFacts {
  return {
    node: process.version,
    platform: `${platform()} ${release()} ${process.arch}`,
    cpuCount: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
  };
}

/** kro-guard's result divided by the echo's: requests/s (lower is slower) and p99 (higher is slower). */
export function ratios(kroGuard: LoadResult, echo: LoadResult): BenchReport['ratio'] {
  return {
    requestsPerSec: round(kroGuard.requestsPerSec / echo.requestsPerSec, 3),
    p99: round(kroGuard.latencyMs.p99 / echo.latencyMs.p99, 2),
  };
}

/** A plain-text table: first column left-aligned, the others right-aligned, a dashed rule under the header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The human-readable report. */
export function formatReport(report: BenchReport): string {
  const { machine, settings, input } = report;
  const rows = report.results.map((r) => [
    r.target,
    r.requestsPerSec.toFixed(1),
    r.latencyMs.p50.toFixed(2),
    r.latencyMs.p99.toFixed(2),
    String(r.errorCount),
    String(r.responses),
  ]);
  const inverse = report.ratio.requestsPerSec > 0 ? (1 / report.ratio.requestsPerSec).toFixed(1) : 'inf';
  return [
    `machine: Node ${machine.node}, ${machine.cpuCount} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.platform}`,
    `settings: ${settings.durationS} s measured after ${settings.warmupS} s warm-up per target, ${settings.connections} connections, pipelining ${settings.pipelining}, kro-guard workers ${settings.kroGuardWorkers}`,
    `input: RGD ${input.name} (${input.file}): ${input.yamlBytes} YAML bytes, ${input.resources} resources; request ${input.requestBytes} B, response ${input.responseBytes} B (allowed: ${input.allowed})`,
    '',
    table(['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'errors', 'responses'], rows),
    '',
    `ratio kro-guard / echo: requests/s ${report.ratio.requestsPerSec} (echo is ${inverse}x faster), p99 ${report.ratio.p99}x`,
    report.ok ? 'result: OK, no request errored' : 'result: FAILED, some requests errored (see above)',
  ].join('\n');
}
