/**
 * Minimal typings for the parts of autocannon 9 the benchmark uses (the package ships none).
 * Shapes follow node_modules/autocannon/README.md ("API", "Results").
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  import type { ConnectionOptions } from 'node:tls';

  namespace autocannon {
    /** One entry of `requests`: what to send, and a hook called with every response to it. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      onResponse?: (
        status: number,
        body: string,
        context: Record<string, unknown>,
        headers: Record<string, string>,
      ) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds to wait for one response. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      title?: string;
      requests?: Request[];
      /** Passed to `tls.connect`; autocannon 9 then forces `rejectUnauthorized: false` on top. */
      tlsOptions?: ConnectionOptions;
      expectBody?: string;
    }

    /**
     * The fields of a run's result that are the same on the main thread (aggregated, with histogram
     * summaries) and on a worker thread (raw, histograms still encoded), the only ones used here.
     */
    interface Result {
      /** Seconds, to 10 ms. */
      duration: number;
      /** Connection errors, timeouts included. */
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
