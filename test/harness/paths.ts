/**
 * Where the end-to-end harness finds things: the repository root, `../shared` beside it, and the
 * control-plane binaries built by `scripts/build-control-plane.sh`.
 */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** Absolute path of the repository root (the directory holding package.json). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of `../shared` (corpus and CRDs, read in place). */
export const SHARED_DIR: string = resolve(REPO_ROOT, '..', 'shared');

/** Directory of kro's CRDs installed by default (`../shared/crds/kro`). */
export const KRO_CRD_DIR: string = join(SHARED_DIR, 'crds', 'kro');

/** The build script every control plane runs first (fast when everything is built). */
export const BUILD_SCRIPT: string = join(REPO_ROOT, 'scripts', 'build-control-plane.sh');

/**
 * The control-plane output directory: `$CONTROL_PLANE_DIR` when set (the build script honours the same
 * variable), else `.cache/controlplane` in the repository.
 */
export function controlPlaneDir(): string {
  const fromEnv = process.env['CONTROL_PLANE_DIR'];
  return fromEnv !== undefined && fromEnv !== ''
    ? resolve(fromEnv)
    : join(REPO_ROOT, '.cache', 'controlplane');
}

/** Names of the binaries in `<controlPlaneDir>/bin`. */
export type ControlPlaneBinary = 'etcd' | 'kube-apiserver' | 'kubectl' | 'kro-controller';

/** Absolute path of one control-plane binary (it may not exist before the build script ran). */
export function binaryPath(name: ControlPlaneBinary): string {
  return join(controlPlaneDir(), 'bin', name);
}
