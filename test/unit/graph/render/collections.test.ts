/**
 * forEach collections (kro-contract §5.4, §7) and omit() (§5.10) in instance mode.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRgd } from '../../../../src/graph/index.ts';
import { buildResourceNode, type ResourceNode } from '../../../../src/graph/resources.ts';
import {
  Unknown,
  compileGraph,
  renderInstance,
  type RenderedObject,
} from '../../../../src/graph/render/index.ts';
import { toOpenAPISpec } from '../../../../src/simpleschema/index.ts';
import { compile, schemas, testInstance, testRgd } from './helpers.ts';

const rgd = testRgd({ name: 'string', regions: '[]string', tiers: '[]string' }, [
  {
    id: 'buckets',
    forEach: [{ region: '${schema.spec.regions}' }, { tier: '${schema.spec.tiers}' }],
    template: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${schema.spec.name}-${region}-${tier}' },
      data: { region: '${region}', tier: '${tier}', owner: '${schema.spec.name}' },
    },
  },
  {
    id: 'summary',
    template: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${schema.spec.name}-summary' },
      data: { names: '${buckets.map(b, b.metadata.name).join(",")}' },
    },
  },
]);

const name = (o: RenderedObject): unknown => (o.metadata as RenderedObject).name;

describe('forEach collections', () => {
  const compiled = compile(rgd);

  it('expands the cartesian product in kro order, with indices, iterators and the instance namespace', () => {
    const g = renderInstance(
      compiled,
      testInstance({ name: 'app', regions: ['us', 'eu'], tiers: ['hot', 'cold'] }),
    );
    assert.deepEqual(g.diagnostics, []);
    const elements = g.resources.filter((r) => r.id === 'buckets');
    assert.deepEqual(
      elements.map((r) => [r.collectionIndex, name(r.object)]),
      [
        [0, 'app-us-hot'],
        [1, 'app-us-cold'],
        [2, 'app-eu-hot'],
        [3, 'app-eu-cold'],
      ],
    );
    assert.deepEqual(elements[1]!.iterators, { region: 'us', tier: 'cold' });
    assert.deepEqual(elements[3]!.object.data, { region: 'eu', tier: 'cold', owner: 'app' });
    for (const e of elements) assert.equal((e.object.metadata as RenderedObject).namespace, 'team-a');
    // Dependents see the collection as the list of its elements.
    const summary = g.resources.find((r) => r.id === 'summary')!;
    assert.deepEqual(summary.object.data, { names: 'app-us-hot,app-us-cold,app-eu-hot,app-eu-cold' });
  });

  it('renders no element for an empty dimension', () => {
    const g = renderInstance(compiled, testInstance({ name: 'app', regions: [], tiers: ['hot'] }));
    assert.deepEqual(g.diagnostics, []);
    assert.deepEqual(
      g.resources.map((r) => r.id),
      ['summary'],
    );
    assert.deepEqual(g.resources[0]!.object.data, { names: '' });
  });

  it("rejects collections over kro's limit of 1000 elements", () => {
    const regions = Array.from({ length: 40 }, (_, i) => `r${i}`);
    const tiers = Array.from({ length: 26 }, (_, i) => `t${i}`);
    const g = renderInstance(compiled, testInstance({ name: 'app', regions, tiers }));
    assert.deepEqual(
      g.diagnostics.map((d) => [d.code, d.path, d.message]),
      [
        [
          'render/collection-too-large',
          'resources[buckets].forEach',
          'node "buckets": collection size of 1040 is over the maximum collection size of 1000',
        ],
      ],
    );
    assert.equal(
      g.resources.some((r) => r.id === 'buckets'),
      false,
    );
    const names = (g.resources.find((r) => r.id === 'summary')!.object.data as RenderedObject).names;
    assert.ok(names instanceof Unknown);
    assert.deepEqual(names.provenance, [{ kind: 'status', resourceId: 'buckets', path: 'buckets' }]);

    const atLimit = renderInstance(
      compiled,
      testInstance({ name: 'app', regions: regions.slice(0, 25), tiers: regions.map((r) => `x${r}`) }),
    );
    assert.deepEqual(atLimit.diagnostics, []);
    assert.equal(atLimit.resources.filter((r) => r.id === 'buckets').length, 1000);
  });

  it('reports elements with the same identity', () => {
    const g = renderInstance(compiled, testInstance({ name: 'app', regions: ['us', 'us'], tiers: ['hot'] }));
    assert.deepEqual(
      g.diagnostics.map((d) => [d.code, d.path]),
      [['render/duplicate-identity', 'resources[buckets].forEach']],
    );
    assert.match(g.diagnostics[0]!.message, /duplicate identity: \/v1\/ConfigMap\/team-a\/app-us-hot$/);
  });
});

describe('omit() (CELOmitFunction feature gate on)', () => {
  const rgdWithOmit = testRgd({ name: 'string', team: 'string | default=""' }, [
    {
      id: 'cm',
      template: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: '${schema.spec.name}',
          labels: { team: '${schema.spec.team != "" ? schema.spec.team : omit()}', app: 'demo' },
        },
        data: { list: 'x' },
      },
    },
  ]);

  it('removes the field whose expression returns omit()', () => {
    // kro v0.9.3 ships the gate off, so the check rejects omit(); build the graph as kro with the
    // gate on would (same nodes, no omit error).
    const check = checkRgd(rgdWithOmit, { schemas });
    assert.deepEqual(
      check.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
      ['graph/omit-disabled'],
    );
    const spec = rgdWithOmit.spec as { schema: { spec: unknown }; resources: unknown[] };
    const nodes = spec.resources.map((r, i) => buildResourceNode(r, i).node as ResourceNode);
    const compiled = compileGraph(
      rgdWithOmit,
      {
        diagnostics: [],
        nodes,
        topologicalOrder: ['cm'],
        specSchema: toOpenAPISpec(spec.schema.spec, undefined).schema,
      },
      { schemas },
    );
    const without = renderInstance(compiled, testInstance({ name: 'x', team: '' }));
    assert.deepEqual(without.diagnostics, []);
    assert.deepEqual((without.resources[0]!.object.metadata as RenderedObject).labels, { app: 'demo' });
    const withTeam = renderInstance(compiled, testInstance({ name: 'x', team: 'payments' }));
    assert.deepEqual((withTeam.resources[0]!.object.metadata as RenderedObject).labels, {
      team: 'payments',
      app: 'demo',
    });
  });
});
