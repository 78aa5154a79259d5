/**
 * Full validation of a `ComplianceException` object (manifests/crds/kro-guard.io_complianceexceptions.yaml),
 * for the webhook (admission of kro-guard's own resources) and the CLI (`--policy` files): every
 * problem, kubectl paths, deterministic order.
 *
 * Why namespaced: an exception is a privilege, and RBAC on a namespaced kind lets a cluster
 * administrator grant teams the right to exempt their own namespace and nothing else (as Kyverno's
 * PolicyException). An exception applies only to objects in its own namespace, except in kro-guard's
 * namespace ({@link DEFAULT_EXCEPTION_NAMESPACE}, configurable), whose exceptions apply cluster-wide
 * (RGDs, cluster-scoped objects, every namespace). See `compilePolicySet`.
 */
import { sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.ts';
import { NAME_GLOB, RESOURCE_ID_GLOB, RFC3339, RULE_ID_GLOB } from './formats.ts';
import {
  MAX_LIST_ITEMS,
  checkRuleReferences,
  readHeader,
  readKindPatterns,
  ruleReferences,
} from './parse-common.ts';
import {
  Findings,
  checkKnownFields,
  isRecord,
  readItemObject,
  readList,
  readObject,
  readString,
  readStringList,
  type Path,
} from './read.ts';
import {
  EXCEPTION_KIND,
  type ComplianceException,
  type ExceptionEntry,
  type ExceptionMatch,
} from './types.ts';

/** Shortest accepted `spec.reason`, in characters, not counting leading and trailing white space. */
export const MIN_REASON_LENGTH = 10;

/** Options of {@link parseExceptionResource}. */
export interface ParseExceptionOptions {
  /** Built-in rule ids, to warn about rule globs that match none; omitted: not checked. */
  knownRuleIds?: ReadonlySet<string>;
  /** When given, an exception that has already expired gets a warning `policy/exception-expired`. */
  now?: Date;
  /** Namespace of an object without `metadata.namespace` (a CLI file); default `default`, as kubectl. */
  defaultNamespace?: string;
}

/** The outcome of {@link parseExceptionResource}: `exception` is set exactly when there is no error. */
export interface ParsedException {
  exception?: ComplianceException;
  diagnostics: Diagnostic[];
}

function readMatch(f: Findings, v: unknown, path: Path): ExceptionMatch {
  const out: ExceptionMatch = { rgds: [], instances: [], resources: [], kinds: [] };
  const o = readObject(f, v, path);
  if (o === undefined) return out;
  checkKnownFields(f, o, path, ['rgds', 'instances', 'resources', 'kinds']);
  const list = { maxItems: MAX_LIST_ITEMS, unique: true };
  out.rgds = readStringList(f, o, 'rgds', path, { ...NAME_GLOB, ...list }) ?? [];
  out.instances =
    readList(f, o, 'instances', path, { maxItems: MAX_LIST_ITEMS }, (x, p) => {
      const i = readItemObject(f, x, p);
      if (i === undefined) return undefined;
      checkKnownFields(f, i, p, ['name']);
      const name = readString(f, i, 'name', p, { ...NAME_GLOB, required: true });
      return name !== undefined ? { name } : undefined;
    }) ?? [];
  out.resources = readStringList(f, o, 'resources', path, { ...RESOURCE_ID_GLOB, ...list }) ?? [];
  out.kinds = readKindPatterns(f, o, 'kinds', path);
  return out;
}

function readEntries(f: Findings, spec: Record<string, unknown>, path: Path): ExceptionEntry[] {
  return (
    readList(
      f,
      spec,
      'exceptions',
      path,
      { maxItems: MAX_LIST_ITEMS, minItems: 1, required: true },
      (x, p) => {
        const e = readItemObject(f, x, p);
        if (e === undefined) return undefined;
        checkKnownFields(f, e, p, ['policy', 'rules']);
        const policy = readString(f, e, 'policy', p, { ...NAME_GLOB, required: true });
        const rules = readStringList(f, e, 'rules', p, {
          ...RULE_ID_GLOB,
          maxItems: MAX_LIST_ITEMS,
          minItems: 1,
          unique: true,
          required: true,
        });
        return policy !== undefined && rules !== undefined && rules.length > 0
          ? { policy, rules }
          : undefined;
      },
    ) ?? []
  );
}

/**
 * Validates and parses a ComplianceException (any decoded YAML/JSON value). Returns the exception
 * when there is no error. Checks: the header, `spec.reason` (required, at least
 * {@link MIN_REASON_LENGTH} non-blank characters, at most 1024), `spec.exceptions` (at least one
 * entry, each with a `policy` glob and at least one rule id glob), `spec.match`, `spec.expires` (an
 * RFC 3339 date-time with a time zone), `spec.owner`.
 *
 * Warnings: an exception that has expired (when `options.now` is given), rule globs matching no
 * known built-in rule (when `options.knownRuleIds` is given; `CUSTOM-` ids are not checked), and an
 * exception whose `match` is empty (it exempts every object of its namespace). Never throws.
 */
export function parseExceptionResource(obj: unknown, options: ParseExceptionOptions = {}): ParsedException {
  const f = new Findings();
  const header = readHeader(f, obj, EXCEPTION_KIND, true);
  const spec = header.spec;
  if (spec === undefined) return { diagnostics: sortDiagnostics(f.list) };
  const path: Path = ['spec'];
  checkKnownFields(f, spec, path, ['reason', 'owner', 'expires', 'exceptions', 'match']);
  const reason = readString(f, spec, 'reason', path, { maxLength: 1024, required: true });
  if (reason !== undefined && [...reason.trim()].length < MIN_REASON_LENGTH) {
    f.error(
      'policy/invalid-value',
      [...path, 'reason'],
      `Invalid value: ${JSON.stringify(reason)}: must be at least ${MIN_REASON_LENGTH} characters (say why the exception is granted)`,
    );
  }
  const owner = readString(f, spec, 'owner', path, { minLength: 1, maxLength: 253 });
  const expiresText = readString(f, spec, 'expires', path, {
    pattern: RFC3339,
    describe: 'an RFC 3339 date-time with a time zone (2026-06-30T00:00:00Z)',
  });
  let expires: Date | undefined;
  if (expiresText !== undefined) {
    expires = new Date(expiresText);
    if (Number.isNaN(expires.getTime())) {
      f.error(
        'policy/invalid-value',
        [...path, 'expires'],
        `Invalid value: ${JSON.stringify(expiresText)}: not a valid date-time`,
      );
      expires = undefined;
    } else if (options.now !== undefined && expires.getTime() <= options.now.getTime()) {
      f.warning(
        'policy/exception-expired',
        [...path, 'expires'],
        `the exception expired at ${expiresText} and is ignored`,
      );
    }
  }
  const exceptions = readEntries(f, spec, path);
  const match = readMatch(f, spec.match, [...path, 'match']);
  const rawMatch = isRecord(spec.match) ? spec.match : {};
  const criteria = ['rgds', 'instances', 'resources', 'kinds'].filter((k) => {
    const v = rawMatch[k];
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  });
  if (criteria.length === 0) {
    f.warning(
      'policy/exception-matches-everything',
      [...path, 'match'],
      'no match criteria: the exception applies to every object its namespace scope covers',
    );
  }
  if (options.knownRuleIds !== undefined && Array.isArray(spec.exceptions)) {
    const refs = spec.exceptions.flatMap((e: unknown, i) =>
      isRecord(e) ? ruleReferences(e, 'rules', [...path, 'exceptions', i]) : [],
    );
    checkRuleReferences(f, refs, options.knownRuleIds, undefined);
  }

  const diagnostics = sortDiagnostics(f.list);
  if (diagnostics.some((d) => d.severity === 'error') || header.name === undefined || reason === undefined) {
    return { diagnostics };
  }
  return {
    exception: {
      name: header.name,
      namespace: header.namespace ?? options.defaultNamespace ?? 'default',
      reason,
      ...(owner !== undefined ? { owner } : {}),
      ...(expires !== undefined ? { expires } : {}),
      exceptions,
      match,
    },
    diagnostics,
  };
}
