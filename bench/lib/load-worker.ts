/** Worker-thread entry of `runLoadInWorker`: runs one load and posts its result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadSpec } from './load.ts';

const spec = workerData as LoadSpec;
// Structured cloning turns the Buffer into a plain Uint8Array; autocannon wants a Buffer or string.
const body = Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength);
parentPort!.postMessage(await runLoad({ ...spec, body }));
