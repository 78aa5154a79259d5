/** Runs one load generator on its own worker thread and resolves with the one message it posts. */
import { Worker } from 'node:worker_threads';

/**
 * Starts `entry` (a module URL) on a new worker thread with `workerData`, and resolves with the
 * first message it posts once it has exited.
 *
 * The load generators get their own event loop so that they do not queue behind the servers'
 * request handling on the main thread (and vice versa): like the API server, they are separate
 * clients, and the OS can schedule them next to the server on another core.
 *
 * @throws (rejects) when the thread throws, or exits without posting a result.
 */
export function runWorker<T>(entry: URL, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData });
    let result: { value: T } | undefined;
    worker.once('message', (message: T) => (result = { value: message }));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result !== undefined) resolve(result.value);
      else reject(new Error(`load generator thread exited with code ${code} without a result`));
    });
  });
}

/** The URL of the sibling module `name` (`.ts` when running from source, `.js` when compiled). */
export function siblingModule(name: string, base: string): URL {
  return new URL(base.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, base);
}
