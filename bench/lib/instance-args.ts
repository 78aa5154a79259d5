/** Command-line options of `npm run bench:instance`. */
import { parseArgs } from 'node:util';
import { LOAD_ARG_OPTIONS, loadArgs, positiveInt } from './args.ts';
import { DEFAULT_ACK_CRDS, DEFAULT_INSTANCE, DEFAULT_RGD } from './instance-input.ts';

/** What one instance benchmark run does. */
export interface InstanceBenchOptions {
  /** Seconds of each measured closed-loop run (kro-guard, echo). */
  durationS: number;
  /** Seconds of the discarded warm-up before each run (closed loop and fixed rate). */
  warmupS: number;
  /** Concurrent keep-alive connections of the closed-loop runs. */
  connections: number;
  /** Requests per second of the fixed-rate runs. */
  rate: number;
  /** Seconds of each fixed-rate run. */
  rateDurationS: number;
  /** Most connections of the fixed-rate runs. */
  rateSockets: number;
  /** In-process engine iterations; 0 skips the engine profile. */
  iterations: number;
  rgd: string;
  instance: string;
  /** CRD directory (or file) with the schemas of the RGD's ACK kinds. */
  crds: string;
  json: boolean;
}

/** Usage text printed by `--help`. */
export const INSTANCE_USAGE = `usage: npm run bench:instance -- [options]

  --duration S       measured seconds of each closed-loop run (default 10)
  --warmup S         warm-up seconds before each run, not measured (default 3)
  --connections N    closed-loop connections, pipelining 1 (default 10)
  --rate N           requests per second of the fixed-rate runs (default 500)
  --rate-duration S  seconds of each fixed-rate run (default 10)
  --rate-sockets N   most connections of the fixed-rate runs (default 32)
  --iterations N     in-process engine iterations; 0 skips the engine profile (default 5000)
  --rgd FILE         the RGD (default bench/fixtures/ack-app-stack.rgd.yaml)
  --instance FILE    the instance (default bench/fixtures/ack-app-stack.instance.yaml)
  --crds PATH        CRDs of the RGD's custom kinds (default ../shared/crds/ack)
  --json             print the results as JSON on stdout (progress still goes to stderr)
`;

/**
 * Parses `argv` (without the node and script paths). Returns `'help'` when `--help` was given.
 *
 * @throws Error naming the flag when a value is not an integer in range or a flag is unknown.
 */
export function parseInstanceBenchArgs(argv: string[]): InstanceBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...LOAD_ARG_OPTIONS,
      rate: { type: 'string' },
      'rate-duration': { type: 'string' },
      'rate-sockets': { type: 'string' },
      iterations: { type: 'string' },
      rgd: { type: 'string' },
      instance: { type: 'string' },
      crds: { type: 'string' },
    },
  });
  if (values.help) return 'help';
  return {
    ...loadArgs(values),
    rate: positiveInt('--rate', values.rate, 500, 1),
    rateDurationS: positiveInt('--rate-duration', values['rate-duration'], 10, 1),
    rateSockets: positiveInt('--rate-sockets', values['rate-sockets'], 32, 1),
    iterations: positiveInt('--iterations', values.iterations, 5000, 0),
    rgd: values.rgd ?? DEFAULT_RGD,
    instance: values.instance ?? DEFAULT_INSTANCE,
    crds: values.crds ?? DEFAULT_ACK_CRDS,
  };
}
