/**
 * `npm run bench:instance`: kro-guard's real HTTPS webhook reviewing the CREATE of an instance of a
 * 10-resource ACK RGD with every built-in rule in force, next to a bare HTTPS echo server that sends
 * the same response bytes: closed-loop throughput ratio, latency at a fixed rate, and where the
 * engine spends its time (in-process). See README.md, "Instance benchmark".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPoolSize, loadServerConfig } from '../src/server/index.ts';
import { profileEngine } from './lib/engine-stages.ts';
import { INSTANCE_USAGE, parseInstanceBenchArgs, type InstanceBenchOptions } from './lib/instance-args.ts';
import {
  ALL_RULES_POLICY_MODE,
  allRulesPolicy,
  optionalRuleIds,
  readInstanceBenchInput,
  writeServerInputs,
  type InstanceBenchInput,
} from './lib/instance-input.ts';
import { formatInstanceReport, INSTANCE_TARGETS, type InstanceBenchReport } from './lib/instance-report.ts';
import { measureAgainstEcho } from './lib/measure.ts';
import { runPacedInWorker, type PacedResult, type PacedSpec } from './lib/paced.ts';
import { machineFacts, ratios } from './lib/report.ts';
import { instanceCreateReview, reviewResponseProblem } from './lib/review.ts';
import {
  BENCH_HOST,
  makeBenchCertificates,
  postVerified,
  startEcho,
  startKroGuard,
  type BenchCertificates,
  type Target,
} from './lib/servers.ts';

/** A benchmark precondition that does not hold; its message says what to change. */
class BenchSetupError extends Error {
  override name = 'BenchSetupError';
}

/** How the TypeScript sources are loaded: a loader named in the node flags, or node's type stripping. */
function sourceLoader(): string {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return /\btsx\b/.test(flags) ? 'tsx' : 'node type stripping';
}

interface ReviewAnswer {
  allowed: boolean;
  message: string;
  warnings: string[];
}

function answerOf(text: string): ReviewAnswer {
  const response = (
    JSON.parse(text) as {
      response: { allowed: boolean; status?: { message?: string }; warnings?: string[] };
    }
  ).response;
  return {
    allowed: response.allowed,
    message: response.status?.message ?? '',
    warnings: response.warnings ?? [],
  };
}

/**
 * Checks that the running kro-guard reviews `input`'s kind as an instance kind: a CREATE whose
 * `spec` is not an object must be denied (the generated CRD requires an object). A server whose
 * review workers do not know the RGD allows it as a kind it does not check.
 *
 * @throws BenchSetupError saying why the server cannot be benchmarked.
 */
async function assertInstanceKindKnown(
  kroGuard: Target,
  certs: BenchCertificates,
  input: InstanceBenchInput,
): Promise<void> {
  const probe = instanceCreateReview({ ...input.instance, spec: 'not an object' }, input.gvk, input.plural);
  const answer = await postVerified(
    kroGuard.port,
    certs.caCert,
    '/validate',
    Buffer.from(JSON.stringify(probe)),
  );
  const text = answer.body.toString('utf8');
  const problem =
    answer.status === 200 ? reviewResponseProblem(text, probe.request.uid) : `HTTP ${answer.status}`;
  if (problem !== undefined)
    throw new BenchSetupError(`kro-guard's answer to the probe is wrong: ${problem}`);
  const { allowed, warnings } = answerOf(text);
  if (!allowed) return;
  const kind = `${input.gvk.group}/${input.gvk.version} ${input.gvk.kind}`;
  if (warnings.some((w) => w.includes('cannot check its instances'))) {
    throw new BenchSetupError(
      `kro-guard knows the RGD ${input.rgdName} but rejects it (${warnings.join('; ')}); are the CRDs of its kinds in --crds?`,
    );
  }
  throw new BenchSetupError(
    `kro-guard allowed a ${kind} whose spec is not an object: its review workers do not know the RGD ` +
      `${input.rgdName}, so they treat ${input.gvk.kind} as a kind they do not check. The server was started ` +
      `with ServerConfig.rgdPaths (--rgds / KRO_GUARD_RGDS); startServer (src/server/server.ts) must hand it ` +
      `to the review workers (workerData.policies.rgdPaths, read by src/server/review-context.ts).`,
  );
}

async function run(opts: InstanceBenchOptions): Promise<boolean> {
  // Human mode prints everything on stdout; JSON mode keeps stdout for the JSON document.
  const progress = (line: string): void => {
    (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  };
  const loader = sourceLoader();
  if (loader === 'tsx') {
    process.stderr.write(
      'note: the sources are loaded by tsx, whose esbuild transform (keepNames) wraps every closure in a ' +
        '__name call: the engine runs about twice as slow as built or type-stripped code. ' +
        '`npm run bench:instance` runs plain node.\n',
    );
  }
  if (!('rgdPaths' in loadServerConfig({ rgds: opts.rgd }, {}))) {
    throw new BenchSetupError(
      'this kro-guard has no ServerConfig.rgdPaths (--rgds / KRO_GUARD_RGDS): without it the webhook ' +
        'cannot know an RGD offline, and reviews of its instances are not checked',
    );
  }

  const input = await readInstanceBenchInput(opts.rgd, opts.instance);
  const policy = allRulesPolicy();
  const review = instanceCreateReview(input.instance, input.gvk, input.plural);
  const uid = review.request.uid;
  const requestBody = Buffer.from(JSON.stringify(review), 'utf8');
  progress(
    `instance ${input.gvk.kind} of RGD ${input.rgdName} (${input.resources} resources), request ${requestBody.length} B`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'kro-guard-bench-instance-'));
  const certs = await makeBenchCertificates();
  let kroGuard: Target | undefined;
  let echo: Target | undefined;
  try {
    const files = await writeServerInputs(dir, input, policy);
    kroGuard = await startKroGuard(certs, {
      crdPaths: [opts.crds],
      policyPaths: [files.policyPath],
      rgdPaths: [files.rgdPath],
    });
    await assertInstanceKindKnown(kroGuard, certs, input);
    const reference = await postVerified(kroGuard.port, certs.caCert, '/validate', requestBody);
    const referenceText = reference.body.toString('utf8');
    if (reference.status !== 200) {
      throw new Error(`kro-guard answered HTTP ${reference.status}: ${referenceText.slice(0, 500)}`);
    }
    const problem = reviewResponseProblem(referenceText, uid);
    if (problem !== undefined) throw new Error(`kro-guard's reference answer is wrong: ${problem}`);
    const answer = answerOf(referenceText);
    if (!answer.allowed) {
      throw new BenchSetupError(
        `kro-guard denied the instance, so its children are not rendered or checked: ${answer.message}`,
      );
    }

    echo = await startEcho(certs, reference.body);
    const echoed = await postVerified(echo.port, certs.caCert, '/validate', requestBody);
    if (echoed.status !== 200 || !echoed.body.equals(reference.body)) {
      throw new Error(`echo server answered HTTP ${echoed.status} with different bytes`);
    }
    progress(
      `servers: kro-guard ${kroGuard.url}, echo ${echo.url} (certificate verified against the generated CA); ` +
        `response ${reference.body.length} B, allowed: ${answer.allowed}`,
    );

    const [kroGuardResult, echoResult] = await measureAgainstEcho(
      {
        body: requestBody,
        ca: certs.caCert,
        connections: opts.connections,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        kroGuardUrl: kroGuard.url,
        echoUrl: echo.url,
        uid,
        referenceText,
      },
      progress,
    );

    const pacedCommon = {
      host: BENCH_HOST,
      path: '/validate',
      body: requestBody,
      ca: certs.caCert,
      ratePerSec: opts.rate,
      durationS: opts.rateDurationS,
      warmupS: opts.warmupS,
      maxSockets: opts.rateSockets,
    };
    const paced = async (spec: Omit<PacedSpec, keyof typeof pacedCommon>): Promise<PacedResult> => {
      progress(
        `${spec.target}: ${opts.rate} requests/s for ${opts.warmupS} s (warm-up) + ${opts.rateDurationS} s (measured)`,
      );
      const result = await runPacedInWorker({ ...pacedCommon, ...spec });
      progress(
        `${spec.target}: ${result.responses} responses, ${result.errorCount} errors, p99 ${result.latencyMs.p99} ms`,
      );
      return result;
    };
    const atRate = [
      await paced({
        target: 'kro-guard /validate',
        port: kroGuard.port,
        expect: { kind: 'admission-review', uid },
      }),
      await paced({
        target: 'echo (same bytes)',
        port: echo.port,
        expect: { kind: 'exact', body: referenceText },
      }),
    ];
    await echo.close();
    echo = undefined;
    await kroGuard.close();
    kroGuard = undefined;

    let engine: InstanceBenchReport['engine'];
    if (opts.iterations > 0) {
      progress(`engine: ${opts.iterations} in-process reviews, stage by stage`);
      engine = profileEngine({
        body: requestBody.toString('utf8'),
        rgd: input.rgd,
        gvk: input.gvk,
        policies: [policy],
        crdPaths: [opts.crds],
        iterations: opts.iterations,
      });
    }

    const ratio = ratios(kroGuardResult, echoResult);
    const p99AtRate = atRate[0]!.latencyMs.p99;
    const results = [kroGuardResult, echoResult];
    const report: InstanceBenchReport = {
      machine: machineFacts(),
      loader,
      settings: {
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        connections: opts.connections,
        pipelining: 1,
        rate: opts.rate,
        rateDurationS: opts.rateDurationS,
        rateSockets: opts.rateSockets,
        kroGuardWorkers: defaultPoolSize(),
      },
      input: {
        rgdFile: input.rgdFile,
        instanceFile: input.instanceFile,
        rgdName: input.rgdName,
        resources: input.resources,
        instanceKind: `${input.gvk.group}/${input.gvk.version} ${input.gvk.kind}`,
        enabledOptionalRules: optionalRuleIds(),
        policyMode: ALL_RULES_POLICY_MODE,
        requestBytes: requestBody.length,
        responseBytes: reference.body.length,
        allowed: answer.allowed,
      },
      results,
      ratio,
      atRate,
      targets: {
        requestsPerSecRatio: {
          target: INSTANCE_TARGETS.minRequestsPerSecRatio,
          measured: ratio.requestsPerSec,
          met: ratio.requestsPerSec >= INSTANCE_TARGETS.minRequestsPerSecRatio,
        },
        p99AtRateMs: {
          rate: opts.rate,
          target: INSTANCE_TARGETS.maxP99AtRateMs,
          measured: p99AtRate,
          met: p99AtRate < INSTANCE_TARGETS.maxP99AtRateMs,
        },
      },
      ...(engine === undefined ? {} : { engine }),
      ok: [...results, ...atRate].every((r) => r.errorCount === 0),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else progress(`\n${formatInstanceReport(report)}`);
    for (const r of [...results, ...atRate]) {
      if (r.errorCount > 0) {
        process.stderr.write(
          `ERROR ${r.target}: ${r.errorCount} errored requests (${JSON.stringify(r.errors)}); first: ${r.firstProblem}\n`,
        );
      }
    }
    return report.ok;
  } finally {
    await echo?.close();
    await kroGuard?.close();
    await certs.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Entry point: parses the flags, runs the benchmark, sets the exit code (1 on any error). */
async function main(): Promise<void> {
  let opts: InstanceBenchOptions | 'help';
  try {
    opts = parseInstanceBenchArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${INSTANCE_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    process.stdout.write(INSTANCE_USAGE);
    return;
  }
  try {
    process.exitCode = (await run(opts)) ? 0 : 1;
  } catch (e) {
    const text = e instanceof BenchSetupError ? e.message : ((e as Error).stack ?? String(e));
    process.stderr.write(`bench:instance failed: ${text}\n`);
    process.exitCode = 1;
  }
}

await main();
