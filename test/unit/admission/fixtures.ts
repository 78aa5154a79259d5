/** Real AdmissionReviews and corpus RGDs for the admission unit tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseAdmissionReview } from '../../../src/admission/parse.ts';
import type { AdmissionOperation, AdmissionReviewRequest } from '../../../src/admission/types.ts';

export const CORPUS = '../shared/corpus/kro-v0.9.3-examples';

export function corpusRgd(relative: string): Record<string, unknown> {
  return parse(readFileSync(join(CORPUS, relative), 'utf8')) as Record<string, unknown>;
}

let counter = 0;

/** The raw AdmissionReview the API server sends for an RGD operation. */
export function rawRgdReview(
  operation: AdmissionOperation,
  object: unknown,
  oldObject?: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${++counter}-${operation.toLowerCase()}`,
      kind: { group: 'kro.run', version: 'v1alpha1', kind: 'ResourceGraphDefinition' },
      resource: { group: 'kro.run', version: 'v1alpha1', resource: 'resourcegraphdefinitions' },
      name: ((object ?? oldObject) as { metadata?: { name?: string } } | null)?.metadata?.name ?? '',
      operation,
      userInfo: { username: 'admin' },
      object: object ?? null,
      oldObject: oldObject ?? null,
      dryRun: false,
      ...extra,
    },
  };
}

/** {@link rawRgdReview}, parsed (fails the test when it does not parse). */
export function rgdReview(
  operation: AdmissionOperation,
  object: unknown,
  oldObject?: unknown,
  extra: Record<string, unknown> = {},
): AdmissionReviewRequest {
  const parsed = parseAdmissionReview(rawRgdReview(operation, object, oldObject, extra));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.review;
}

/** A copy of `rgd` with `spec.schema.kind` replaced. */
export function withKind(rgd: Record<string, unknown>, kind: string): Record<string, unknown> {
  const copy = structuredClone(rgd) as { spec: { schema: { kind: string } } };
  copy.spec.schema.kind = kind;
  return copy as unknown as Record<string, unknown>;
}
