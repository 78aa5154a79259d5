/**
 * Hot reload of the serving certificate: when the certificate or key file changes (cert-manager
 * renewal, a Kubernetes Secret volume update, a new development certificate), new TLS connections get
 * the new certificate without a restart. Existing connections keep theirs.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

/** A serving certificate and key, PEM. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/**
 * Reads the certificate and key files.
 *
 * @throws Error naming the file when one cannot be read (`cannot read TLS certificate "<path>": …`).
 */
export async function readTlsFiles(certPath: string, keyPath: string): Promise<TlsFiles> {
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read TLS ${what} ${JSON.stringify(path)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
  const [cert, key] = await Promise.all([read(certPath, 'certificate'), read(keyPath, 'private key')]);
  return { cert, key };
}

/** Options of {@link CertificateReloader}. */
export interface CertificateReloaderOptions {
  certPath: string;
  keyPath: string;
  /** The pair in use now. */
  current: TlsFiles;
  /** Installs a new pair (`server.setSecureContext`); throws when the pair is unusable. */
  apply: (files: TlsFiles) => void;
  logger?: Logger;
  /** Watch the files' directories for changes (default true); otherwise only {@link reload} reloads. */
  watch?: boolean;
  /** Quiet period after the last file event before reloading, in ms (default 200). */
  debounceMs?: number;
}

/**
 * Watches the directories of the certificate and key (directories, not files: Secret volumes swap a
 * symlink, and atomic writers rename, both of which a file watch misses) and reloads after changes
 * settle. A pair that fails to load (half-written, mismatched key) is logged and the old pair kept;
 * the next change tries again.
 */
export class CertificateReloader {
  readonly #options: CertificateReloaderOptions;
  readonly #watchers: FSWatcher[] = [];
  #current: TlsFiles;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Starts watching (unless `options.watch` is false). */
  constructor(options: CertificateReloaderOptions) {
    this.#options = options;
    this.#current = options.current;
    if (options.watch === false) return;
    for (const dir of new Set([dirname(options.certPath), dirname(options.keyPath)])) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.#schedule());
        watcher.on('error', (err) => options.logger?.warn({ err, dir }, 'certificate watch failed'));
        this.#watchers.push(watcher);
      } catch (err) {
        options.logger?.warn({ err, dir }, 'cannot watch certificate directory; hot reload disabled');
      }
    }
  }

  /**
   * Reads both files and, when they differ from the pair in use, installs them.
   *
   * @returns true when a new pair was installed, false when nothing changed or the new pair was
   *   unusable (logged at warn).
   */
  async reload(): Promise<boolean> {
    if (this.#closed) return false;
    let next: TlsFiles;
    try {
      next = await readTlsFiles(this.#options.certPath, this.#options.keyPath);
    } catch (err) {
      this.#options.logger?.warn(
        { err },
        'certificate reload: files unreadable; keeping the current certificate',
      );
      return false;
    }
    if (next.cert === this.#current.cert && next.key === this.#current.key) return false;
    try {
      this.#options.apply(next);
    } catch (err) {
      this.#options.logger?.warn(
        { err },
        'certificate reload: new pair rejected; keeping the current certificate',
      );
      return false;
    }
    this.#current = next;
    this.#options.logger?.info({ certPath: this.#options.certPath }, 'serving certificate reloaded');
    return true;
  }

  /** Stops watching. Idempotent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const w of this.#watchers.splice(0)) w.close();
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#options.debounceMs ?? 200);
    this.#timer.unref();
  }
}
