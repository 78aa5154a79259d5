/**
 * `npm run bench:static`: time of kro-guard's static RGD check (`checkRgd` with the typed checks) for
 * every corpus RGD and for a synthetic RGD with 200 resources and 1,000 expressions, with peak memory.
 *
 * Each time is printed next to a baseline measured in the same process on the same object: a deep
 * copy through `JSON.parse(JSON.stringify(rgd))`, the least any check of the whole object costs.
 * Usage: `npm run bench:static -- [--iterations N] [--corpus DIR] [--crds DIR]`.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkRgd } from '../src/graph/index.ts';
import { chainSources, embeddedSource, type SchemaSource } from '../src/schemas/index.ts';
import { readCorpusRgds } from './lib/corpus.ts';
import { synthesiseRgd } from './lib/synthetic.ts';

interface Timing {
  medianMs: number;
  p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

/** Runs `fn` `iterations` times after a warm-up of a tenth as many; returns median and p99 in ms. */
function time(fn: () => void, iterations: number): Timing {
  for (let i = 0; i < Math.max(3, iterations / 10); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

async function loadSources(crds: string | undefined): Promise<SchemaSource> {
  if (crds === undefined || crds === '') return embeddedSource();
  const mod = (await import('../src/schemas/index.ts')) as Record<string, unknown>;
  const crdFileSource = mod.crdFileSource as ((paths: string[]) => SchemaSource) | undefined;
  if (crdFileSource === undefined) throw new Error('--crds needs crdFileSource in src/schemas');
  return chainSources(embeddedSource(), crdFileSource([crds]));
}

const fmt = (n: number): string => n.toFixed(3).padStart(9);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '200' },
      corpus: { type: 'string', default: '../shared/corpus' },
      crds: { type: 'string', default: '../shared/crds/ack' },
    },
  });
  const iterations = Number(values.iterations);
  const schemas = await loadSources(values.crds);
  const rgds = await readCorpusRgds(values.corpus);
  console.log(
    `static check, ${iterations} iterations each, schemas: ${schemas.name}, Node ${process.version}`,
  );
  console.log(
    `${'RGD'.padEnd(58)} ${'res'.padStart(4)} ${'median ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'copy ms'.padStart(9)} ${'ratio'.padStart(7)}`,
  );
  const ratios: number[] = [];
  for (const r of rgds) {
    const check = time(() => checkRgd(r.object, { schemas }), iterations);
    const copy = time(() => JSON.parse(JSON.stringify(r.object)) as unknown, iterations);
    const ratio = check.medianMs / copy.medianMs;
    ratios.push(ratio);
    console.log(
      `${`${r.file}#${r.name}`.slice(-58).padEnd(58)} ${String(r.resources).padStart(4)} ${fmt(check.medianMs)} ${fmt(check.p99Ms)} ${fmt(copy.medianMs)} ${ratio.toFixed(1).padStart(7)}`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(`corpus: ${rgds.length} RGDs, median ratio check/copy ${percentile(ratios, 50).toFixed(1)}`);

  const synthetic = synthesiseRgd(200, 1000);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const first = checkRgd(synthetic.object, { schemas });
  const errors = first.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`synthetic RGD has errors: ${errors[0]!.message}`);
  const syntheticIterations = Math.max(10, Math.floor(iterations / 10));
  const check = time(() => {
    checkRgd(synthetic.object, { schemas });
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, syntheticIterations);
  const copy = time(() => JSON.parse(JSON.stringify(synthetic.object)) as unknown, syntheticIterations);
  console.log(
    `synthetic: ${synthetic.resources} resources, ${synthetic.expressions} expressions, ${syntheticIterations} iterations: ` +
      `median ${check.medianMs.toFixed(2)} ms, p99 ${check.p99Ms.toFixed(2)} ms, copy ${copy.medianMs.toFixed(3)} ms ` +
      `(ratio ${(check.medianMs / copy.medianMs).toFixed(1)}), heap peak +${((heapPeak - heapBefore) / 2 ** 20).toFixed(1)} MiB, ` +
      `max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

await main();
