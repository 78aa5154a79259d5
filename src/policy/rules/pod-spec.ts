/**
 * Finding the pod spec of a workload (the kinds Pod Security Admission evaluates: Pod, PodTemplate,
 * ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob) and its
 * containers, in a rendered object where any part may be symbolic (compliance-catalogue §2.6).
 */
import { formatPath, type PathSegment } from '../../diagnostics/diagnostic.ts';
import { isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { RenderedResource } from '../../graph/render/types.ts';
import type { KindSelector } from '../types.ts';
import { elementsAt, type Element } from './elements.ts';

const TEMPLATE_SPEC: PathSegment[] = ['spec', 'template', 'spec'];

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: readonly { selector: KindSelector; path: PathSegment[] }[] = [
  { selector: { group: '', kind: 'Pod' }, path: ['spec'] },
  { selector: { group: '', kind: 'PodTemplate' }, path: ['template', 'spec'] },
  { selector: { group: '', kind: 'ReplicationController' }, path: TEMPLATE_SPEC },
  { selector: { group: 'apps', kind: 'ReplicaSet' }, path: TEMPLATE_SPEC },
  { selector: { group: 'apps', kind: 'Deployment' }, path: TEMPLATE_SPEC },
  { selector: { group: 'apps', kind: 'StatefulSet' }, path: TEMPLATE_SPEC },
  { selector: { group: 'apps', kind: 'DaemonSet' }, path: TEMPLATE_SPEC },
  { selector: { group: 'batch', kind: 'Job' }, path: TEMPLATE_SPEC },
  {
    selector: { group: 'batch', kind: 'CronJob' },
    path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  },
];

/** The kinds that carry a pod spec. */
export const WORKLOAD_KINDS: readonly KindSelector[] = POD_SPEC_PATHS.map((p) => p.selector);

/** A located pod spec. */
export interface PodSpecLocation {
  /** Path of the pod spec in the object: `['spec','template','spec']`. */
  path: PathSegment[];
  /** The pod spec: an object, a symbolic value (then everything in it is unknown), or undefined. */
  spec: RenderedValue | undefined;
  /** Path of the pod's (template's) metadata, for annotations: `['spec','template','metadata']`. */
  metadataPath: PathSegment[];
  metadata: RenderedValue | undefined;
}

/**
 * The pod spec of a workload resource; undefined when its kind carries none or when it is an
 * externalRef (kro creates nothing for it; its object is only the reference).
 */
export function locatePodSpec(resource: RenderedResource): PodSpecLocation | undefined {
  if (resource.external) return undefined;
  const entry = POD_SPEC_PATHS.find(
    (p) => p.selector.group === resource.gvk.group && p.selector.kind === resource.gvk.kind,
  );
  if (entry === undefined) return undefined;
  const path = entry.path;
  const metadataPath = [...path.slice(0, -1), 'metadata'];
  return {
    path,
    spec: valueAt(resource.object, path),
    metadataPath,
    metadata: valueAt(resource.object, metadataPath),
  };
}

/** The container lists of a pod spec. */
export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';
/** Every container list, in PSA's order (`visitContainers`). */
export const ALL_CONTAINER_LISTS: readonly ContainerList[] = [
  'initContainers',
  'containers',
  'ephemeralContainers',
];

/** One container (or the stand-in for a container list, or pod spec, that is not known yet). */
export interface ContainerRef extends Element {
  list: ContainerList;
  /** For reasons: `container "app"`, `initContainers[1]`, or `containers (not known yet)`. */
  label: string;
}

/**
 * The containers of `lists` in a located pod spec. A symbolic pod spec gives one stand-in (every
 * field read in it is unknown); a symbolic list gives one stand-in for that list.
 */
export function containersOf(
  loc: PodSpecLocation,
  lists: readonly ContainerList[] = ALL_CONTAINER_LISTS,
): ContainerRef[] {
  if (isSymbolic(loc.spec)) {
    const label = 'containers of the pod spec (not known yet)';
    return [{ path: loc.path, value: loc.spec, index: undefined, symbolic: true, list: 'containers', label }];
  }
  const out: ContainerRef[] = [];
  for (const list of lists) {
    for (const e of elementsAt(loc.spec, loc.path, [list])) {
      const name = e.symbolic ? undefined : valueAt(e.value, ['name']);
      const label = e.symbolic
        ? `${list} (not known yet)`
        : typeof name === 'string'
          ? `container "${name}"`
          : `${list}[${e.index}]`;
      out.push({ ...e, list, label });
    }
  }
  return out;
}

/** A field of a pod spec or container: its path in the object and its value. */
export interface FieldAt {
  path: PathSegment[];
  /** The path relative to the pod spec or container, as text for reasons: `securityContext.privileged`. */
  name: string;
  value: RenderedValue | undefined;
}

/** The field at `rel` below `value` (whose path is `base`). */
export function fieldAt(
  value: RenderedValue | undefined,
  base: readonly PathSegment[],
  rel: PathSegment[],
): FieldAt {
  return { path: [...base, ...rel], name: formatPath(rel), value: valueAt(value, rel) };
}

/** The pod-level field at `rel` of the pod spec: `podField(loc, ['securityContext','runAsNonRoot'])`. */
export function podField(loc: PodSpecLocation, rel: PathSegment[]): FieldAt {
  return fieldAt(loc.spec, loc.path, rel);
}

/** The field at `rel` of a container; for the stand-in of a symbolic list, the list itself. */
export function containerField(c: ContainerRef, rel: PathSegment[]): FieldAt {
  return c.symbolic ? { path: c.path, name: formatPath(rel), value: c.value } : fieldAt(c.value, c.path, rel);
}
