/** Worker-thread entry of `runPacedInWorker`: runs one fixed-rate load and posts its result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runPaced, type PacedSpec } from './paced.ts';

const spec = workerData as PacedSpec;
// Structured cloning turns the Buffer into a plain Uint8Array; node:https wants a Buffer or string.
const body = Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength);
parentPort!.postMessage(await runPaced({ ...spec, body }));
