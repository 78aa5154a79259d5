/** A synthetic RGD of a given size for the static-check benchmark: valid, typed, with dependencies. */

/** The synthetic RGD and its counts. */
export interface SyntheticRgd {
  object: Record<string, unknown>;
  resources: number;
  expressions: number;
}

/**
 * An RGD with `resources` resources (Deployments, Services and ConfigMaps in turn) and exactly
 * `expressions` `${...}` expressions spread over them (at least 2 per resource). Each resource after
 * the first refers to the one before it, so the graph is a chain of depth `resources`.
 *
 * @throws RangeError when `expressions < 2 * resources`.
 */
export function synthesiseRgd(resources: number, expressions: number): SyntheticRgd {
  if (expressions < 2 * resources) throw new RangeError('need at least 2 expressions per resource');
  const list: Record<string, unknown>[] = [];
  let used = 0;
  for (let i = 0; i < resources; i++) {
    const id = `r${i}`;
    const prev = i === 0 ? undefined : `r${i - 1}`;
    const share = Math.floor(expressions / resources) + (i < expressions % resources ? 1 : 0);
    const extra = share - 2;
    const name = prev === undefined ? '${schema.spec.name}-r0' : `\${${prev}.metadata.name}-${i}`;
    const data: Record<string, string> = {};
    for (let k = 0; k < extra; k++) {
      data[`k${k}`] =
        k % 3 === 0
          ? '${schema.spec.name.lowerAscii()}'
          : k % 3 === 1
            ? `\${string(schema.spec.replicas + ${k})}`
            : `prefix-\${schema.spec.tier}-${k}`;
    }
    used += share;
    switch (i % 3) {
      case 0:
        list.push({
          id,
          template: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name, labels: { app: '${schema.spec.name}', ...data } },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: 'x' } },
              template: {
                metadata: { labels: { app: 'x' } },
                spec: { containers: [{ name: 'app', image: 'nginx:1.27', env: [] }] },
              },
            },
          },
        });
        break;
      case 1:
        list.push({
          id,
          template: {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name, annotations: { tier: '${schema.spec.tier}', ...data } },
            spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }] },
          },
        });
        break;
      default:
        list.push({
          id,
          template: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name },
            data: { tier: '${schema.spec.tier}', ...data },
          },
        });
    }
  }
  return {
    object: {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'ResourceGraphDefinition',
      metadata: { name: 'synthetic' },
      spec: {
        schema: {
          apiVersion: 'v1alpha1',
          kind: 'Synthetic',
          spec: { name: 'string', replicas: 'integer | default=1', tier: 'string | default=web' },
        },
        resources: list,
      },
    },
    resources,
    expressions: used,
  };
}
