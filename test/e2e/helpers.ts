/**
 * Shared pieces of the end-to-end tests: fixture and corpus paths, kro-guard's own verdict on a file
 * (to compare with what kubectl prints), and small kubectl queries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { checkRgd } from '../../src/graph/index.ts';
import { after, before } from 'node:test';
import {
  REPO_ROOT,
  SHARED_DIR,
  startControlPlane,
  startWebhook,
  type ControlPlane,
  type ControlPlaneOptions,
  type RunningWebhook,
} from '../harness/index.ts';

/** Directory of the e2e fixtures. */
export const FIXTURES = join(REPO_ROOT, 'test', 'e2e', 'fixtures');

/** kro v0.9.3's own Kubernetes examples. */
export const CORPUS_KUBERNETES = join(SHARED_DIR, 'corpus', 'kro-v0.9.3-examples', 'kubernetes');

/** Absolute path of a fixture file. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** The single YAML document of `path`, parsed. */
export function readYaml(path: string): Record<string, unknown> {
  return parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** kro-guard's error diagnostics for the RGD in `path` (optionally as an UPDATE of `oldPath`). */
export function kroGuardErrors(path: string, oldPath?: string): Diagnostic[] {
  const options = oldPath === undefined ? {} : { oldRgd: readYaml(oldPath) };
  return checkRgd(readYaml(path), options).diagnostics.filter((d) => d.severity === 'error');
}

/** `kubectl get rgd -o name`, one name per entry (`resourcegraphdefinition.kro.run/<name>`). */
export async function storedRgds(cp: ControlPlane): Promise<string[]> {
  const r = await cp.kubectl(['get', 'rgd', '-o', 'name']);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** The lines of kubectl's stderr. */
export function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd());
}

/** Audit events (JSON lines of the control plane's audit log) for `name`, oldest first. */
export function auditEvents(cp: ControlPlane, name: string): AuditEvent[] {
  return cp
    .logs('audit')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as AuditEvent)
    .filter((e) => e.objectRef?.name === name);
}

/** The fields of an audit.k8s.io/v1 Event the tests read. */
export interface AuditEvent {
  verb: string;
  stage: string;
  objectRef?: { resource?: string; name?: string };
  responseStatus?: { code?: number };
  annotations?: Record<string, string>;
}

/** The control plane and registered kro-guard of one e2e test file. */
export interface E2eEnvironment {
  /** @throws Error when read before the file's `before` hook has started it. */
  readonly cp: ControlPlane;
  /** @throws Error when read before the file's `before` hook has started it. */
  readonly webhook: RunningWebhook;
}

/**
 * Registers `before`/`after` hooks that start a control plane (with `options`) and kro-guard
 * registered on it for the calling test file, and stop both afterwards, also when a test fails.
 */
export function useControlPlaneWithWebhook(options: ControlPlaneOptions = {}): E2eEnvironment {
  let cp: ControlPlane | undefined;
  let webhook: RunningWebhook | undefined;
  before(async () => {
    cp = await startControlPlane(options);
    webhook = await startWebhook(cp);
  });
  after(async () => {
    await webhook?.stop();
    await cp?.stop();
  });
  const started = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not started: read it inside a test`);
    return v;
  };
  return {
    get cp() {
      return started(cp, 'the control plane');
    },
    get webhook() {
      return started(webhook, 'kro-guard');
    },
  };
}
