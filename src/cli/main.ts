/**
 * The kro-guard command line: `check` (offline check of RGDs, instances, children and policies),
 * `render` (the children an instance would get), `serve` (the admission webhook over HTTPS) and
 * `certs` (a CA and serving certificate for given names).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { runCheck } from './check-command.ts';
import { runCerts } from './certs-command.ts';
import { runRender } from './render-command.ts';
import { runServe } from './serve-command.ts';

/** The flags of `check` as commander parses them. */
interface CheckCommandFlags {
  format: 'text' | 'json';
  verbose: boolean;
  crds: string[];
  kubeconfig?: string;
  context?: string;
  embedded: boolean;
  printCrd: boolean;
  policy: string[];
  rgd: string[];
  defaultPolicy: boolean;
}

/** The flags of `render` as commander parses them. */
interface RenderCommandFlags {
  rgd: string;
  output: 'yaml' | 'json';
  crds: string[];
  embedded: boolean;
}

/** Builds the command tree; `exit` receives the exit code of the command that ran. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('kro-guard')
    .description('Admission webhook and offline checker for kro ResourceGraphDefinitions')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('check')
    .description(
      'check ResourceGraphDefinitions as kro would, and RGDs, instances and ACK/workload objects against compliance policies, offline; exit 0 all accepted, 1 any rejected, 2 usage/I/O error',
    )
    .argument(
      '<inputs...>',
      'YAML/JSON files, directories (searched recursively) or - for standard input: RGDs, instances of their kinds, ACK and workload objects, CompliancePolicies and ComplianceExceptions',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-v, --verbose', 'also list skipped documents and every rule finding (passes included)', false)
    .option(
      '--rgd <file>',
      'files or directories with the RGDs of instances among the inputs, used but not reported (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--policy <file>',
      'CompliancePolicy/ComplianceException files or directories, used with those among the inputs (repeatable); without any CompliancePolicy the built-in default policy (manifests/policies/default.yaml) applies',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--no-default-policy', 'run only the given CompliancePolicies (none given: no rules run)')
    .option(
      '--crds <path>',
      'CustomResourceDefinition files or directories giving the schemas of custom kinds (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--kubeconfig <file>',
      'check against the live cluster of this kubeconfig (authoritative: kinds it does not serve are missing)',
    )
    .option('--context <name>', 'kubeconfig context (with --kubeconfig, or of the default kubeconfig)')
    .option('--no-embedded', 'do not use the embedded Kubernetes schemas (not used with --kubeconfig anyway)')
    .option(
      '--print-crd',
      'print the CustomResourceDefinition kro would generate for each accepted RGD, as YAML, instead of the report',
      false,
    )
    .action(async (inputs: string[], opts: CheckCommandFlags) => {
      exit(
        await runCheck(
          inputs,
          opts,
          (s) => process.stdout.write(s),
          (s) => process.stderr.write(s),
        ),
      );
    });

  program
    .command('render')
    .description(
      'print the children kro would create for an instance (unknown values as ${expression}); exit 0 rendered, 1 RGD rejected or render errors, 2 usage/I/O error',
    )
    .argument('<instance>', 'YAML/JSON file holding the instance, or - for standard input')
    .requiredOption('--rgd <file>', 'the ResourceGraphDefinition (YAML/JSON file)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option(
      '--crds <path>',
      'CustomResourceDefinition files or directories giving the schemas of custom kinds (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--no-embedded', 'do not use the embedded Kubernetes schemas')
    .action(async (instance: string, opts: RenderCommandFlags) => {
      exit(
        await runRender(
          instance,
          opts,
          (s) => process.stdout.write(s),
          (s) => process.stderr.write(s),
        ),
      );
    });

  program
    .command('serve')
    .description(
      'run the admission webhook over HTTPS (a development certificate is generated into certs/ when none is given)',
    )
    .option('--host <host>', 'address to listen on (env KRO_GUARD_HOST, default 0.0.0.0)')
    .option('--port <port>', 'port (env KRO_GUARD_PORT, default 8443)')
    .option('--tls-cert <file>', 'serving certificate, PEM (env KRO_GUARD_TLS_CERT)')
    .option('--tls-key <file>', 'serving key, PEM (env KRO_GUARD_TLS_KEY)')
    .option('--certs-dir <dir>', 'where development certificates are generated', 'certs')
    .option(
      '--failure-policy <policy>',
      'answer on internal failure or deadline: Fail (deny) or Ignore (allow)',
    )
    .option('--review-timeout-ms <ms>', 'deadline for one review, in milliseconds (default 4000)')
    .option('--log-level <level>', 'pino log level (default info)')
    .option('--workers <n>', 'review worker threads')
    .option(
      '--schemas <source>',
      'kind schemas: cluster (live API server) or embedded (env KRO_GUARD_SCHEMAS; default cluster in a pod)',
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig for --schemas cluster outside a pod (env KRO_GUARD_KUBECONFIG)',
    )
    .option('--crds <paths>', 'comma-separated CRD files or directories (env KRO_GUARD_CRDS)')
    .option(
      '--policies <paths>',
      'comma-separated CompliancePolicy/ComplianceException files, for --schemas embedded (env KRO_GUARD_POLICIES)',
    )
    .option(
      '--rgds <paths>',
      'comma-separated RGD files whose instances are checked, for --schemas embedded (env KRO_GUARD_RGDS)',
    )
    .option(
      '--registrar <on|off>',
      "keep the instance webhooks' rules current (env KRO_GUARD_REGISTRAR; default on with cluster)",
    )
    .action(async (opts: Record<string, string | undefined>) => {
      exit(await runServe(opts));
    });

  program
    .command('certs')
    .description('write a CA, a serving certificate and its key for the given DNS names and IP addresses')
    .requiredOption('--dns-name <name...>', 'DNS names of the serving certificate')
    .option('--ip <address...>', 'IP addresses of the serving certificate', [])
    .option('--out-dir <dir>', 'output directory', 'certs')
    .option('--validity-days <days>', 'validity of the serving certificate, in days', '365')
    .action(async (opts: { dnsName: string[]; ip: string[]; outDir: string; validityDays: string }) => {
      exit(
        await runCerts(
          opts,
          (s) => process.stdout.write(s),
          (s) => process.stderr.write(s),
        ),
      );
    });
  return program;
}

/** Runs the CLI with `argv` (without the node and script entries). */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`kro-guard: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return code;
}

/** Runs the CLI for this process and sets its exit code; `serve` keeps the process alive. */
export async function run(): Promise<void> {
  const code = await main(process.argv.slice(2));
  if (code !== -1) process.exitCode = code;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  await run();
