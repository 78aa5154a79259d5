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

/** Findings are folded per policy, rule and resource (a rule may report several places, or one). */
function keyOf(f: Finding): string {
  return [f.policy, f.ruleId, f.resourceId, String(f.collectionIndex ?? '')].join('\u0000');
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

/** Inputs whose value differs between the worlds, as input provenance. */
function varyingInputs(worlds: readonly RenderedGraph[]): Provenance[] {
  const paths = new Set<string>();
  const first = worlds[0]?.assignment ?? {};
  for (const w of worlds.slice(1)) {
    for (const [k, v] of Object.entries(w.assignment))
      if (JSON.stringify(v) !== JSON.stringify(first[k])) paths.add(k);
  }
  return [...paths].sort().map((path) => ({ kind: 'input', path }));
}

/** A rule's verdict on a resource in one world: the worst of its results (fail, unknown, pass, na). */
function worldVerdict(findings: readonly Finding[]): 'fail' | 'unknown' | 'pass' {
  if (findings.some((f) => f.verdict === 'fail')) return 'fail';
  if (findings.some((f) => f.verdict === 'unknown')) return 'unknown';
  return 'pass';
}

/**
 * Folds per-world findings (`perWorld[i]` are the findings of `worlds[i]`) into findings per
 * policy, rule and resource, in the order of first appearance: the findings of the first world
 * where the resource exists when the verdict is the same in every world (all pass, or all fail),
 * otherwise one `unknown` finding at the first failing (or unknown) place.
 */
export function aggregateWorlds(
  worlds: readonly RenderedGraph[],
  perWorld: readonly (readonly Finding[])[],
): Finding[] {
  if (perWorld.length === 1) return [...perWorld[0]!];
  const groups = new Map<string, Map<number, Finding[]>>();
  perWorld.forEach((findings, w) => {
    for (const f of findings) {
      const k = keyOf(f);
      let g = groups.get(k);
      if (g === undefined) {
        g = new Map();
        groups.set(k, g);
      }
      let list = g.get(w);
      if (list === undefined) {
        list = [];
        g.set(w, list);
      }
      list.push(f);
    }
  });
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const entries = [...g.entries()];
    const verdicts = entries.map(([, fs]) => worldVerdict(fs));
    const firstFindings = entries[0]![1];
    if (verdicts.every((v) => v === 'pass') || verdicts.every((v) => v === 'fail')) {
      out.push(...firstFindings);
      continue;
    }
    let dependsOn: Provenance[] = [];
    for (const [, fs] of entries)
      for (const f of fs) if (f.verdict === 'unknown') dependsOn = mergeProvenance(dependsOn, f.dependsOn);
    if (verdicts.includes('fail') && verdicts.includes('pass'))
      dependsOn = mergeProvenance(dependsOn, varyingInputs(entries.map(([w]) => worlds[w]!)));
    const failingWorld = verdicts.indexOf('fail');
    const base =
      failingWorld >= 0
        ? entries[failingWorld]![1].find((f) => f.verdict === 'fail')!
        : entries.flatMap(([, fs]) => fs).find((f) => f.verdict === 'unknown')!;
    const merged: Finding = { ...base, verdict: 'unknown' };
    if (dependsOn.length > 0) merged.dependsOn = dependsOn;
    else delete merged.dependsOn;
    if (failingWorld >= 0) merged.failsWhen = worlds[entries[failingWorld]![0]]!.assignment;
    out.push(merged);
  }
  return out;
}
