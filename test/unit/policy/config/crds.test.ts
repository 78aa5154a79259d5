/**
 * The CRDs in manifests/crds/ and the default policy in manifests/policies/: that the CRDs pass the
 * API server's CRD checks (structural schema, defaults, CEL rules compiled), that their schemas and
 * the parsers agree (same patterns and limits; the fixtures accepted or rejected by the schema as
 * they say), and that the default policy is valid and equal to the built-in parameters.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  checkGeneratedCrd,
  validateValue,
  type CustomResourceDefinition,
} from '../../../../src/crd/index.ts';
import { compileValidationRule } from '../../../../src/graph/typed/validation-rules.ts';
import {
  DEFAULT_POLICY_NAME,
  DEFAULT_POLICY_YAML_PATH,
  MAX_CUSTOM_RULES,
  MAX_EXPRESSION_LENGTH,
  MAX_PARAMETER_ITEMS,
  MIN_REASON_LENGTH,
  loadDefaultPolicy,
  mergeParameters,
  parsePolicyResource,
} from '../../../../src/policy/config/index.ts';
import * as formats from '../../../../src/policy/config/formats.ts';
import { DEFAULT_RULE_PARAMETERS } from '../../../../src/policy/types.ts';
import type { OpenAPISchema } from '../../../../src/schemas/prune.ts';
import type { JSONSchemaProps } from '../../../../src/simpleschema/types.ts';
import { loadFixtures } from './fixtures.ts';
import { TEST_RULE_IDS } from './rules.ts';

const CRD_DIR = join('manifests', 'crds');

function loadCrd(file: string): CustomResourceDefinition {
  return parse(readFileSync(join(CRD_DIR, file), 'utf8')) as CustomResourceDefinition;
}

const POLICY_CRD = loadCrd('kro-guard.io_compliancepolicies.yaml');
const EXCEPTION_CRD = loadCrd('kro-guard.io_complianceexceptions.yaml');

function rootSchema(crd: CustomResourceDefinition): JSONSchemaProps {
  return crd.spec.versions[0]!.schema!.openAPIV3Schema!;
}

/** The schema at `path` below the root: `.`-separated property names, `[]` for list items, `{}` for map values. */
function at(crd: CustomResourceDefinition, path: string): JSONSchemaProps {
  let s = rootSchema(crd);
  for (const step of path.split('.')) {
    const name = step.replace(/(\[\]|\{\})+$/, '');
    const next = s.properties?.[name];
    assert.ok(next, `${path}: no property ${name}`);
    s = next;
    for (const m of step.slice(name.length).match(/\[\]|\{\}/g) ?? []) {
      const inner = m === '[]' ? s.items : s.additionalProperties;
      assert.ok(inner !== undefined && typeof inner === 'object' && !Array.isArray(inner), `${path}: ${m}`);
      s = inner as JSONSchemaProps;
    }
  }
  return s;
}

describe('manifests/crds', () => {
  it('holds exactly the two CRDs', () => {
    assert.deepEqual(readdirSync(CRD_DIR).sort(), [
      'kro-guard.io_complianceexceptions.yaml',
      'kro-guard.io_compliancepolicies.yaml',
    ]);
  });

  for (const crd of [POLICY_CRD, EXCEPTION_CRD]) {
    it(`${crd.metadata.name} passes the API server's CRD checks (structural, defaults, CEL rules)`, () => {
      let compiled = 0;
      const diags = checkGeneratedCrd(crd, {
        compileRule: (rule, schema) => {
          compiled++;
          return compileValidationRule(rule, schema as OpenAPISchema);
        },
      });
      assert.deepEqual(diags, []);
      assert.ok(compiled > 0, 'the x-kubernetes-validations rules were compiled');
    });
  }

  it('names, scopes and printer columns', () => {
    assert.equal(POLICY_CRD.spec.group, 'kro-guard.io');
    assert.equal(POLICY_CRD.spec.scope, 'Cluster');
    assert.deepEqual(POLICY_CRD.spec.names.shortNames, ['cpol']);
    assert.equal(POLICY_CRD.spec.names.kind, 'CompliancePolicy');
    assert.equal(EXCEPTION_CRD.spec.group, 'kro-guard.io');
    assert.equal(EXCEPTION_CRD.spec.scope, 'Namespaced');
    assert.deepEqual(EXCEPTION_CRD.spec.names.shortNames, ['cpolex']);
    assert.equal(EXCEPTION_CRD.spec.names.kind, 'ComplianceException');
    for (const crd of [POLICY_CRD, EXCEPTION_CRD]) {
      assert.deepEqual(
        crd.spec.versions.map((v) => [v.name, v.served, v.storage]),
        [['v1alpha1', true, true]],
      );
      assert.ok(crd.spec.versions[0]!.additionalPrinterColumns!.some((c) => c.name === 'Age'));
    }
    assert.equal(
      POLICY_CRD.spec.versions[0]!.additionalPrinterColumns!.find((c) => c.name === 'Mode')?.jsonPath,
      '.spec.mode',
    );
    assert.deepEqual(at(POLICY_CRD, 'spec.mode').default, 'Enforce');
    assert.deepEqual(at(POLICY_CRD, 'spec.rules.include').default, ['*']);
  });

  it('uses the parsers’ patterns and length limits', () => {
    const table: [CustomResourceDefinition, string, formats.StringFormat][] = [
      [POLICY_CRD, 'spec.match.rgds[]', formats.NAME_GLOB],
      [POLICY_CRD, 'spec.match.kinds[].group', formats.GROUP_GLOB],
      [POLICY_CRD, 'spec.match.kinds[].kind', formats.KIND_GLOB],
      [POLICY_CRD, 'spec.match.namespaces[]', formats.NAMESPACE_GLOB],
      [POLICY_CRD, 'spec.match.excludeNamespaces[]', formats.NAMESPACE_GLOB],
      [POLICY_CRD, 'spec.match.namespaceSelector.matchLabels{}', formats.LABEL_VALUE],
      [POLICY_CRD, 'spec.match.namespaceSelector.matchExpressions[].key', formats.LABEL_KEY],
      [POLICY_CRD, 'spec.match.namespaceSelector.matchExpressions[].values[]', formats.LABEL_VALUE],
      [POLICY_CRD, 'spec.rules.include[]', formats.RULE_ID_GLOB],
      [POLICY_CRD, 'spec.rules.exclude[]', formats.RULE_ID_GLOB],
      [POLICY_CRD, 'spec.rules.enable[]', formats.RULE_ID_GLOB],
      [POLICY_CRD, 'spec.rules.overrides[].id', formats.RULE_ID_GLOB],
      [POLICY_CRD, 'spec.parameters.allowedRegistries[]', formats.REGISTRY],
      [POLICY_CRD, 'spec.parameters.allowedKmsKeys[]', formats.KMS_KEY_ARN],
      [POLICY_CRD, 'spec.parameters.allowedAccounts[]', formats.ACCOUNT_ID],
      [POLICY_CRD, 'spec.parameters.oidcProviders[]', formats.OIDC_PROVIDER],
      [POLICY_CRD, 'spec.parameters.deniedManagedPolicies[]', formats.MANAGED_POLICY_ARN],
      [POLICY_CRD, 'spec.parameters.permissionsBoundaries[]', formats.MANAGED_POLICY_ARN],
      [POLICY_CRD, 'spec.parameters.eksVersions[]', formats.EKS_VERSION],
      [POLICY_CRD, 'spec.customRules[].id', formats.CUSTOM_RULE_ID],
      [POLICY_CRD, 'spec.customRules[].kinds[].group', formats.GROUP],
      [POLICY_CRD, 'spec.customRules[].kinds[].kind', formats.KIND],
      ...(['fsbp', 'config', 'cis', 'checkov', 'trivy', 'pss', 'other'] as const).map(
        (k): [CustomResourceDefinition, string, formats.StringFormat] => [
          POLICY_CRD,
          `spec.customRules[].controls.${k}[]`,
          formats.CONTROL_ID,
        ],
      ),
      [EXCEPTION_CRD, 'spec.exceptions[].policy', formats.NAME_GLOB],
      [EXCEPTION_CRD, 'spec.exceptions[].rules[]', formats.RULE_ID_GLOB],
      [EXCEPTION_CRD, 'spec.match.rgds[]', formats.NAME_GLOB],
      [EXCEPTION_CRD, 'spec.match.instances[].name', formats.NAME_GLOB],
      [EXCEPTION_CRD, 'spec.match.resources[]', formats.RESOURCE_ID_GLOB],
      [EXCEPTION_CRD, 'spec.match.kinds[].group', formats.GROUP_GLOB],
      [EXCEPTION_CRD, 'spec.match.kinds[].kind', formats.KIND_GLOB],
    ];
    for (const [crd, path, format] of table) {
      const s = at(crd, path);
      assert.equal(s.pattern, format.source, `${crd.spec.names.kind} ${path} pattern`);
      assert.equal(s.maxLength, format.maxLength, `${crd.spec.names.kind} ${path} maxLength`);
    }
    assert.equal(at(POLICY_CRD, 'spec.customRules').maxItems, MAX_CUSTOM_RULES);
    assert.equal(at(POLICY_CRD, 'spec.customRules[].expression').maxLength, MAX_EXPRESSION_LENGTH);
    assert.equal(at(POLICY_CRD, 'spec.parameters.worldOpenPorts').maxItems, MAX_PARAMETER_ITEMS);
    assert.equal(at(EXCEPTION_CRD, 'spec.reason').minLength, MIN_REASON_LENGTH);
  });

  const cases: [string, CustomResourceDefinition][] = [
    ['policies/valid', POLICY_CRD],
    ['policies/invalid', POLICY_CRD],
    ['exceptions/valid', EXCEPTION_CRD],
    ['exceptions/invalid', EXCEPTION_CRD],
  ];
  for (const [dir, crd] of cases) {
    for (const fx of loadFixtures(dir)) {
      it(`the ${crd.spec.names.kind} schema ${fx.schema}s ${fx.file}`, () => {
        const out: string[] = [];
        validateValue(fx.object, rootSchema(crd), '', '', out);
        if (fx.schema === 'accept') assert.deepEqual(out, []);
        else assert.ok(out.length > 0, 'the schema reports an error');
      });
    }
  }
});

describe('manifests/policies/default.yaml', () => {
  const text = readFileSync(join('manifests', 'policies', 'default.yaml'), 'utf8');
  const object = parse(text) as unknown;

  it('is a valid CompliancePolicy without any diagnostic, and valid for the CRD schema', () => {
    const r = parsePolicyResource(object, { knownRuleIds: TEST_RULE_IDS });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.policy?.name, DEFAULT_POLICY_NAME);
    const out: string[] = [];
    validateValue(object, rootSchema(POLICY_CRD), '', '', out);
    assert.deepEqual(out, []);
  });

  it('enforces critical and high rules, warns on medium, audits low and info, leaves optional rules off', () => {
    const p = parsePolicyResource(object, { knownRuleIds: TEST_RULE_IDS }).policy!;
    assert.equal(p.mode, 'Enforce');
    assert.deepEqual(p.rules.include, ['*']);
    assert.deepEqual(p.rules.enable, []);
    assert.deepEqual(p.rules.overrides, [
      { severities: ['medium'], mode: 'Warn' },
      { severities: ['low', 'info'], mode: 'Audit' },
    ]);
    assert.equal(p.mutations.enabled, false);
  });

  it('writes out exactly the built-in parameter defaults', () => {
    const p = parsePolicyResource(object, { knownRuleIds: TEST_RULE_IDS }).policy!;
    assert.deepEqual(mergeParameters(p.parameters), DEFAULT_RULE_PARAMETERS);
    assert.deepEqual(Object.keys(p.parameters).sort(), Object.keys(DEFAULT_RULE_PARAMETERS).sort());
  });

  it('is what loadDefaultPolicy() reads, through DEFAULT_POLICY_YAML_PATH', () => {
    assert.ok(existsSync(DEFAULT_POLICY_YAML_PATH));
    assert.match(DEFAULT_POLICY_YAML_PATH, /manifests[/\\]policies[/\\]default\.yaml$/);
    const loaded = loadDefaultPolicy(TEST_RULE_IDS);
    assert.deepEqual(loaded.diagnostics, []);
    assert.deepEqual(loaded.policy, parsePolicyResource(object, { knownRuleIds: TEST_RULE_IDS }).policy);
  });
});
