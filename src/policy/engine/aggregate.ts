/**
 * RGD admission renders one graph per combination of finite-domain inputs ("worlds", see
 * `renderSymbolic`). This file folds the findings of all worlds into one verdict per rule and place
 * (compliance-catalogue §4 "Gap" item 1, §6.1-6.2):
 *
 * - passes (or is not applicable) in every world where the resource exists → `pass`;
 * - fails in every world where the resource exists → `fail`: no instance can comply, so the RGD
 *   is rejected when the rule is enforced. A literal violation in a template that `includeWhen`
 *   may exclude is still a failure: some instance reaches it (scenario S4);
 * - anything else (passes in some worlds and fails in others, or unknown in some) → `unknown`:
 *   deferred to instance admission; `failsWhen` records an assignment under which it fails, and
 *   `dependsOn` the free inputs it depends on.
 */
import type { Provenance } from '../../graph/render/symbolic.ts';
import type { RenderedGraph } from '../../graph/render/types.ts';
import type { Finding } from './types.ts';

function keyOf(f: Finding): string {
  return [f.policy, f.ruleId, f.resourceId, String(f.collectionIndex ?? ''), f.location].join('\u0000');
}

function mergeProvenance(
  a: readonly Provenance[] | undefined,
  b: readonly Provenance[] | undefined,
): Provenance[] {
  const out: Provenance[] = [];
  const seen = new Set<string>();
  for (const p of [...(a ?? []), ...(b ?? [])]) {
    const k = `${p.kind}:${p.path}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

/** Inputs whose value differs between two assignments, as input provenance. */
function varyingInputs(worlds: readonly RenderedGraph[]): Provenance[] {
  const paths = new Set<string>();
  const first = worlds[0]?.assignment ?? {};
  for (const w of worlds.slice(1)) {
    for (const [k, v] of Object.entries(w.assignment))
      if (JSON.stringify(v) !== JSON.stringify(first[k])) paths.add(k);
  }
  return [...paths].sort().map((path) => ({ kind: 'input', path }));
}

/**
 * Folds per-world findings (`perWorld[i]` are the findings of `worlds[i]`) into one finding per
 * policy, rule, resource and location, in the order of first appearance.
 */
export function aggregateWorlds(
  worlds: readonly RenderedGraph[],
  perWorld: readonly (readonly Finding[])[],
): Finding[] {
  if (perWorld.length === 1) return [...perWorld[0]!];
  const groups = new Map<string, { findings: Finding[]; worlds: number[] }>();
  perWorld.forEach((findings, w) => {
    for (const f of findings) {
      const k = keyOf(f);
      let g = groups.get(k);
      if (g === undefined) {
        g = { findings: [], worlds: [] };
        groups.set(k, g);
      }
      g.findings.push(f);
      g.worlds.push(w);
    }
  });
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const verdicts = new Set(g.findings.map((f) => (f.verdict === 'na' ? 'pass' : f.verdict)));
    const first = g.findings[0]!;
    if (verdicts.size === 1 && !verdicts.has('unknown')) {
      const all = g.findings.every((f) => f.verdict === 'na');
      out.push({ ...first, verdict: all ? 'na' : first.verdict === 'na' ? 'pass' : first.verdict });
      continue;
    }
    const failing = g.findings.findIndex((f) => f.verdict === 'fail');
    const unknowns = g.findings.filter((f) => f.verdict === 'unknown');
    let dependsOn: Provenance[] = [];
    for (const u of unknowns) dependsOn = mergeProvenance(dependsOn, u.dependsOn);
    if (verdicts.has('fail') && verdicts.has('pass'))
      dependsOn = mergeProvenance(dependsOn, varyingInputs(g.worlds.map((w) => worlds[w]!)));
    const base = failing >= 0 ? g.findings[failing]! : (unknowns[0] ?? first);
    const merged: Finding = { ...base, verdict: 'unknown' };
    if (dependsOn.length > 0) merged.dependsOn = dependsOn;
    if (failing >= 0) merged.failsWhen = worlds[g.worlds[failing]!]!.assignment;
    out.push(merged);
  }
  return out;
}
