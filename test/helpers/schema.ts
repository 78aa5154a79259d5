/** Test helper: walk an OpenAPI schema by property names. */
import assert from 'node:assert/strict';
import type { OpenAPISchema } from '../../src/schemas/index.ts';

/** The sub-schema at `properties[names[0]].properties[names[1]]…`; fails the test naming the missing step. */
export function prop(schema: OpenAPISchema | undefined, ...names: string[]): OpenAPISchema {
  let s = schema;
  for (const name of names) {
    const next = s?.properties?.[name];
    assert.ok(next, `no property ${name} (have ${Object.keys(s?.properties ?? {}).join(', ')})`);
    s = next;
  }
  assert.ok(s, 'no schema');
  return s;
}
