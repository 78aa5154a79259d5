/**
 * `npm run bench`: admission throughput and latency of kro-guard's real HTTPS webhook on the largest
 * corpus RGD, next to a bare HTTPS echo server that sends the same response bytes. See README.md.
 */
import { defaultPoolSize } from '../src/server/index.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/args.ts';
import { largestCorpusRgd } from './lib/corpus.ts';
import { measureAgainstEcho } from './lib/measure.ts';
import { formatReport, machineFacts, ratios, type BenchReport } from './lib/report.ts';
import { rgdCreateReview, reviewResponseProblem } from './lib/review.ts';
import {
  makeBenchCertificates,
  postVerified,
  startEcho,
  startKroGuard,
  type BenchCertificates,
  type Target,
} from './lib/servers.ts';

async function run(opts: BenchOptions): Promise<boolean> {
  // Human mode prints everything on stdout; JSON mode keeps stdout for the JSON document.
  const progress = (line: string): void => {
    (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  };

  const rgd = await largestCorpusRgd(opts.corpus);
  progress(`largest RGD: ${rgd.name} (${rgd.file}), ${rgd.yamlBytes} YAML bytes, ${rgd.resources} resources`);
  const review = rgdCreateReview(rgd.object, rgd.name);
  const uid = review.request.uid;
  const requestBody = Buffer.from(JSON.stringify(review), 'utf8');

  const certs: BenchCertificates = await makeBenchCertificates();
  let kroGuard: Target | undefined;
  let echo: Target | undefined;
  try {
    kroGuard = await startKroGuard(certs);
    const reference = await postVerified(kroGuard.port, certs.caCert, '/validate', requestBody);
    const referenceText = reference.body.toString('utf8');
    if (reference.status !== 200) {
      throw new Error(`kro-guard answered HTTP ${reference.status}: ${referenceText.slice(0, 500)}`);
    }
    const problem = reviewResponseProblem(referenceText, uid);
    if (problem !== undefined) throw new Error(`kro-guard's reference answer is wrong: ${problem}`);
    const allowed = (JSON.parse(referenceText) as { response: { allowed: boolean } }).response.allowed;

    echo = await startEcho(certs, reference.body);
    const echoed = await postVerified(echo.port, certs.caCert, '/validate', requestBody);
    if (echoed.status !== 200 || !echoed.body.equals(reference.body)) {
      throw new Error(`echo server answered HTTP ${echoed.status} with different bytes`);
    }
    progress(
      `servers: kro-guard ${kroGuard.url}, echo ${echo.url} (certificate verified against the generated CA); ` +
        `request ${requestBody.length} B, response ${reference.body.length} B, allowed: ${allowed}`,
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

    const results = [kroGuardResult, echoResult];
    const report: BenchReport = {
      machine: machineFacts(),
      settings: {
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        connections: opts.connections,
        pipelining: 1,
        kroGuardWorkers: defaultPoolSize(),
      },
      input: {
        file: rgd.file,
        name: rgd.name,
        yamlBytes: rgd.yamlBytes,
        resources: rgd.resources,
        requestBytes: requestBody.length,
        responseBytes: reference.body.length,
        allowed,
      },
      results,
      ratio: ratios(kroGuardResult, echoResult),
      ok: results.every((r) => r.errorCount === 0),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else progress(`\n${formatReport(report)}`);
    for (const r of results) {
      if (r.errorCount > 0) {
        process.stderr.write(
          `ERROR ${r.target}: ${r.errorCount} errored requests ` +
            `(connection ${r.errors.connection}, timeouts ${r.errors.timeouts}, non-2xx ${r.errors.non2xx}, ` +
            `bad bodies ${r.errors.badBodies}); first: ${r.firstProblem}\n`,
        );
      }
    }
    return report.ok;
  } finally {
    await echo?.close();
    await kroGuard?.close();
    await certs.remove();
  }
}

/** Entry point: parses the flags, runs the benchmark, sets the exit code (1 on any error). */
async function main(): Promise<void> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  try {
    process.exitCode = (await run(opts)) ? 0 : 1;
  } catch (e) {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}

await main();
