/**
 * Validity of the compliance scenario fixtures (test/scenarios, compliance-catalogue §5): the data
 * the decision-point runner evaluates must itself be right. Every RGD passes kro-guard's offline
 * static check with typed checks (kro-contract §1-§5); instances are valid objects of the generated
 * kind; kro-labelled children point at their RGD node and instance as kro v0.9.3 labels them;
 * policies have the CompliancePolicy/ComplianceException shapes; `scenario.yaml` references only
 * files, resources and fields that exist.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateValue } from '../../src/crd/index.ts';
import { checkRgd, templateGvks, withRgdDefaults, type RgdCheckResult } from '../../src/graph/index.ts';
import { chainSources, crdFileSource, embeddedSource } from '../../src/schemas/index.ts';
import type { JSONSchemaProps } from '../../src/simpleschema/types.ts';
import { loadScenarios, type ExpectedCase, type Scenario, type ScenarioRun } from '../scenarios/load.ts';

const scenarios = loadScenarios();
const schemas = chainSources(embeddedSource(), crdFileSource(['../shared/crds/ack']));
const checked = new Map<Scenario, RgdCheckResult>();

/** The static check of the scenario's RGD (offline: embedded Kubernetes schemas and the ACK CRDs), once. */
function checkOf(s: Scenario): RgdCheckResult {
  let result = checked.get(s);
  if (result === undefined) {
    result = checkRgd(s.rgd, { schemas });
    checked.set(s, result);
  }
  return result;
}

/** The catalogue scenarios the brief asks for, with their variants. */
const CATALOGUE_IDS = [
  'S1', 'S2', 'S2A', 'S2B', 'S3', 'S4', 'S5', 'S6', 'S7', 'S12', 'S15', 'S17', 'S18', 'S18A', 'S19',
  'S19A', 'S21', 'S21A', 'S21B',
]; // prettier-ignore

/** compliance-catalogue §2 rule ids, and Pod Security checks as `PSS-<PSA check id>`. */
const RULE_ID = /^(?:(?:S3|KMS|IAM|K8S|ECR|RDS|SG|EKS|SQS|SNS|DDB|SM|EC)-\d{3}|PSS-[A-Za-z]+(?:_[a-z]+)?)$/;
/** A rule id glob in a policy (`S3-*`). */
const RULE_GLOB = /^[A-Z0-9*]+(?:-[A-Za-z0-9_*]+)?$/;
const KRO_LABEL_KEYS = [
  'kro.run/owned', 'kro.run/kro-version', 'kro.run/node-id', 'kro.run/instance-name',
  'kro.run/instance-namespace', 'kro.run/instance-id', 'kro.run/instance-group',
  'kro.run/instance-version', 'kro.run/instance-kind', 'app.kubernetes.io/managed-by',
]; // prettier-ignore

type Obj = Record<string, unknown>;

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(v: unknown): Obj {
  return isRecord(v) ? v : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `spec.schema` with the RGD CRD's defaults (group kro.run, scope Namespaced). */
function schemaOf(s: Scenario): Obj {
  return record(record(record(withRgdDefaults(s.rgd)).spec).schema);
}

function resourcesOf(s: Scenario): Obj[] {
  const list = record(s.rgd.spec).resources;
  return Array.isArray(list) ? list.map(record) : [];
}

/** The template (or externalRef) of resource `id`, and whether it is a forEach collection. */
function nodeOf(s: Scenario, id: string): { object: Obj; forEach: boolean } | undefined {
  const r = resourcesOf(s).find((x) => x.id === id);
  if (r === undefined) return undefined;
  return { object: record(r.template ?? r.externalRef), forEach: Array.isArray(r.forEach) };
}

function metadataOf(o: Obj): Obj {
  return record(o.metadata);
}

function labelsOf(o: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(metadataOf(o).labels))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Every case of a run with a readable name. */
function casesOf(
  run: ScenarioRun,
): { where: string; c: ExpectedCase; point: 'rgd' | 'instance' | 'child' }[] {
  return [
    { where: `${run.id}/${run.run} rgd`, c: run.rgd, point: 'rgd' as const },
    ...run.instances.map((c) => ({ where: `${run.id}/${run.run} ${c.file}`, c, point: 'instance' as const })),
    ...run.children.map((c) => ({ where: `${run.id}/${run.run} ${c.file}`, c, point: 'child' as const })),
  ];
}

/** Fields of `value` the API server would prune: not in the schema's properties, outside preserve-unknown. */
function prunedFields(value: unknown, schema: JSONSchemaProps | undefined, path: string): string[] {
  if (schema === undefined || schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => prunedFields(v, schema.items, `${path}[${i}]`));
  if (!isRecord(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const extra = schema.additionalProperties;
    const child = schema.properties?.[k] ?? (typeof extra === 'object' ? extra : undefined);
    if (child === undefined && extra !== true) out.push(`${path}.${k}`);
    else out.push(...prunedFields(v, child, `${path}.${k}`));
  }
  return out;
}

/** Problems of one case's rule ids, decision, paths and inputs against its scenario. */
function caseProblems(
  s: Scenario,
  where: string,
  c: ExpectedCase,
  point: 'rgd' | 'instance' | 'child',
): string[] {
  const out: string[] = [];
  for (const id of [...c.errors, ...c.warnings, ...c.deferred, ...c.passes])
    if (!RULE_ID.test(id)) out.push(`${where}: "${id}" is not a rule id`);
  if (c.decision === 'deny' && c.errors.length === 0) out.push(`${where}: deny without errors`);
  if (c.decision === 'allow' && c.errors.length > 0) out.push(`${where}: allow with errors`);
  if ((c.paths.length > 0 || c.controls.length > 0) && c.errors.length === 0)
    out.push(`${where}: paths/controls without errors`);
  if (c.inputs.length > 0 && c.deferred.length === 0) out.push(`${where}: inputs without deferred rules`);
  const specFields = Object.keys(record(schemaOf(s).spec));
  for (const input of c.inputs) {
    const field = /^spec\.([A-Za-z0-9]+)/.exec(input)?.[1];
    if (field === undefined || !specFields.includes(field))
      out.push(`${where}: input ${input} is not a spec field`);
  }
  const resources = resourcesOf(s);
  for (const p of c.paths) {
    if (point === 'rgd') {
      const i = /^spec\.resources\[(\d+)\]/.exec(p)?.[1];
      if (i === undefined || Number(i) >= resources.length) out.push(`${where}: ${p} names no resource`);
    } else if (point === 'instance') {
      const m = /^resources\[([A-Za-z0-9]+)\](\[\d+\])?/.exec(p);
      const node = m ? nodeOf(s, m[1]!) : undefined;
      if (node === undefined) out.push(`${where}: ${p} names no resource id`);
      else if ((m![2] !== undefined) !== node.forEach) out.push(`${where}: ${p}: collection index mismatch`);
    } else if (!/^(?:spec|metadata)(?:[.[]|$)/.test(p))
      out.push(`${where}: ${p} is not a field of the child`);
  }
  return out;
}

/** Problems of a kro-labelled child: it must point at the RGD's kind, a node of the kind, and an instance. */
function kroChildProblems(s: Scenario, file: string, child: Obj): string[] {
  const out: string[] = [];
  const labels = labelsOf(child);
  for (const k of KRO_LABEL_KEYS) if (labels[k] === undefined) out.push(`${file}: label ${k} missing`);
  if (labels['kro.run/owned'] !== 'true') out.push(`${file}: kro.run/owned is not "true"`);
  const schema = schemaOf(s);
  if (labels['kro.run/instance-kind'] !== schema.kind)
    out.push(`${file}: instance-kind is not ${String(schema.kind)}`);
  if (labels['kro.run/instance-group'] !== schema.group)
    out.push(`${file}: instance-group is not ${String(schema.group)}`);
  if (labels['kro.run/instance-version'] !== schema.apiVersion)
    out.push(`${file}: instance-version mismatch`);
  const node = nodeOf(s, labels['kro.run/node-id'] ?? '');
  if (node === undefined) out.push(`${file}: node-id ${labels['kro.run/node-id']} is not a resource id`);
  else {
    if (node.object.kind !== child.kind || node.object.apiVersion !== child.apiVersion)
      out.push(`${file}: the node's template is not a ${String(child.apiVersion)} ${String(child.kind)}`);
    const index = labels['kro.run/collection-index'];
    const size = labels['kro.run/collection-size'];
    if (node.forEach !== (index !== undefined)) out.push(`${file}: collection-index present iff forEach`);
    if (index !== undefined && !(Number(index) < Number(size))) out.push(`${file}: collection-index >= size`);
  }
  const name = labels['kro.run/instance-name'];
  const namespace = labels['kro.run/instance-namespace'];
  const owner = [...s.instances.values()].find(
    (i) => metadataOf(i).name === name && metadataOf(i).namespace === namespace,
  );
  if (owner === undefined) out.push(`${file}: no instance ${namespace}/${name} in instances/`);
  if (metadataOf(child).namespace !== namespace) out.push(`${file}: not in the instance's namespace`);
  return out;
}

/** Problems of a child applied directly: no kro label, and a kind the RGD creates. */
function directChildProblems(s: Scenario, file: string, child: Obj): string[] {
  const out = Object.keys(labelsOf(child))
    .filter((k) => k.startsWith('kro.run/'))
    .map((k) => `${file}: direct child with label ${k}`);
  const kinds = resourcesOf(s).map((r) => record(r.template));
  if (!kinds.some((t) => t.kind === child.kind && t.apiVersion === child.apiVersion))
    out.push(`${file}: ${String(child.kind)} is not a kind this RGD creates`);
  return out;
}

/** Problems of a policy file's shape and of the RGDs, kinds and resource ids it names. */
function policyProblems(s: Scenario, file: string, p: Obj, rgdNames: Set<string>): string[] {
  const out: string[] = [];
  const meta = metadataOf(p);
  const spec = record(p.spec);
  const match = record(spec.match);
  if (p.apiVersion !== 'kro-guard.io/v1alpha1') out.push(`${file}: apiVersion is not kro-guard.io/v1alpha1`);
  if (typeof meta.name !== 'string' || meta.name === '') out.push(`${file}: metadata.name missing`);
  for (const r of strings(match.rgds)) if (!rgdNames.has(r)) out.push(`${file}: no scenario RGD named ${r}`);
  for (const k of Array.isArray(match.kinds) ? match.kinds.map(record) : []) {
    const used = resourcesOf(s).some((r) => {
      const t = record(r.template);
      const group =
        typeof t.apiVersion === 'string' && t.apiVersion.includes('/') ? t.apiVersion.split('/')[0] : '';
      return t.kind === k.kind && group === k.group;
    });
    if (!used) out.push(`${file}: match.kinds ${String(k.group)}/${String(k.kind)} is not a kind of the RGD`);
  }
  if (p.kind === 'CompliancePolicy') {
    if (meta.namespace !== undefined) out.push(`${file}: CompliancePolicy is cluster-scoped`);
    if (!['Enforce', 'Warn', 'Audit'].includes(String(spec.mode))) out.push(`${file}: spec.mode invalid`);
    const rules = record(spec.rules);
    for (const g of [...strings(rules.include), ...strings(rules.exclude), ...strings(rules.enable)])
      if (!RULE_GLOB.test(g)) out.push(`${file}: rule glob ${g}`);
  } else if (p.kind === 'ComplianceException') {
    if (typeof meta.namespace !== 'string') out.push(`${file}: ComplianceException is namespaced`);
    if (typeof spec.reason !== 'string' || spec.reason.length < 10)
      out.push(`${file}: reason under 10 characters`);
    const exceptions = Array.isArray(spec.exceptions) ? spec.exceptions.map(record) : [];
    if (exceptions.length === 0) out.push(`${file}: no exceptions`);
    for (const e of exceptions) {
      if (typeof e.policy !== 'string') out.push(`${file}: exception without policy`);
      const rules = strings(e.rules);
      if (rules.length === 0 || !rules.every((g) => RULE_GLOB.test(g))) out.push(`${file}: exception rules`);
    }
    const ids = resourcesOf(s).map((r) => String(r.id));
    for (const g of strings(match.resources)) {
      const re = new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      if (!ids.some((id) => re.test(id))) out.push(`${file}: match.resources ${g} matches no resource id`);
    }
  } else out.push(`${file}: kind ${String(p.kind)} is not CompliancePolicy or ComplianceException`);
  return out;
}

describe('compliance scenario fixtures (test/scenarios)', () => {
  it('has every catalogue scenario, each (id, run) once', () => {
    const keys = scenarios.flatMap((s) => s.runs.map((r) => `${r.id}/${r.run}`));
    assert.equal(new Set(keys).size, keys.length, `duplicate runs: ${keys.join(', ')}`);
    assert.deepEqual(
      [...new Set(scenarios.flatMap((s) => s.runs.map((r) => r.id)))].sort(),
      [...CATALOGUE_IDS].sort(),
    );
  });

  it('gives every RGD a unique name and generated kind, and every instance a unique name', () => {
    const names = scenarios.map((s) => String(metadataOf(s.rgd).name));
    const kinds = scenarios.map((s) => `${String(schemaOf(s).group)}/${String(schemaOf(s).kind)}`);
    const instances = scenarios.flatMap((s) =>
      [...s.instances.values()].map((i) => String(metadataOf(i).name)),
    );
    assert.equal(new Set(names).size, names.length);
    assert.equal(new Set(kinds).size, kinds.length);
    assert.equal(new Set(instances).size, instances.length);
  });

  for (const s of scenarios) {
    describe(s.name, () => {
      it('has a well-formed scenario.yaml naming existing files, and uses every fixture', () => {
        const problems = [...s.problems];
        const used = new Set<string>();
        for (const run of s.runs) {
          for (const f of [
            ...run.policies,
            ...run.instances.map((c) => c.file!),
            ...run.children.map((c) => c.file!),
          ]) {
            used.add(f);
            if (!existsSync(join(s.dir, f))) problems.push(`${run.id}/${run.run}: ${f} does not exist`);
          }
          for (const { where, c, point } of casesOf(run)) problems.push(...caseProblems(s, where, c, point));
        }
        for (const f of [...s.instances.keys(), ...s.children.keys(), ...s.policies.keys()])
          if (!used.has(f)) problems.push(`${f} is used by no run`);
        assert.deepEqual(problems, []);
      });

      it('has an RGD that passes the static check with typed checks and no error', () => {
        assert.equal(s.rgd.apiVersion, 'kro.run/v1alpha1');
        assert.equal(s.rgd.kind, 'ResourceGraphDefinition');
        const unknownKinds = templateGvks(s.rgd)
          .filter((gvk) => schemas.lookup(gvk) === undefined)
          .map((gvk) => `${gvk.group}/${gvk.version}/${gvk.kind}`);
        assert.deepEqual(unknownKinds, [], 'every template kind has a schema, so the typed checks ran');
        const result = checkOf(s);
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(
          errors.map((d) => `${d.code} ${d.path}: ${d.message}`),
          [],
        );
        assert.ok(result.specSchema !== undefined && result.crd !== undefined);
      });

      it('has instances of the generated kind, valid against its spec schema', () => {
        const schema = schemaOf(s);
        const specSchema = checkOf(s).specSchema;
        assert.ok(specSchema !== undefined, 'the RGD has an instance spec schema');
        assert.ok(s.instances.size > 0);
        for (const [file, instance] of s.instances) {
          assert.equal(instance.apiVersion, `${String(schema.group)}/${String(schema.apiVersion)}`, file);
          assert.equal(instance.kind, schema.kind, file);
          assert.match(String(metadataOf(instance).name), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, file);
          assert.equal(typeof metadataOf(instance).namespace, 'string', file);
          const errors: string[] = [];
          validateValue(instance.spec ?? {}, specSchema, 'spec', '', errors);
          assert.deepEqual(errors, [], file);
          assert.deepEqual(
            prunedFields(instance.spec, specSchema, 'spec'),
            [],
            `${file}: fields the API server prunes`,
          );
        }
      });

      it('has children that point at this RGD, a node of their kind and an instance (or carry no kro label)', () => {
        const problems: string[] = [];
        for (const [file, child] of s.children) {
          problems.push(
            ...(file.startsWith('children/direct-')
              ? directChildProblems(s, file, child)
              : kroChildProblems(s, file, child)),
          );
        }
        assert.deepEqual(problems, []);
      });

      it('has policies of the CompliancePolicy/ComplianceException shapes naming what exists', () => {
        const rgdNames = new Set(scenarios.map((x) => String(metadataOf(x.rgd).name)));
        const problems = [...s.policies].flatMap(([file, p]) => policyProblems(s, file, p, rgdNames));
        assert.deepEqual(problems, []);
      });
    });
  }
});
