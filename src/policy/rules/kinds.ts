/**
 * The kinds the built-in rules apply to (compliance-catalogue §1: ACK groups are
 * `<service>.services.k8s.aws`; core Kubernetes kinds use their API groups, `''` for the core group).
 */
import type { RenderedResource } from '../../graph/render/types.ts';
import type { KindSelector, Rule, RuleContext, RuleResult } from '../types.ts';

/** The `{group, kind}` of an ACK kind: `ack('s3', 'Bucket')`. */
export function ack(service: string, kind: string): KindSelector {
  return { group: `${service}.services.k8s.aws`, kind };
}

/** ACK kinds the rules check (compliance-catalogue §1.1-§1.12). */
export const S3_BUCKET = ack('s3', 'Bucket');
export const RDS_DB_INSTANCE = ack('rds', 'DBInstance');
export const RDS_DB_CLUSTER = ack('rds', 'DBCluster');
export const DYNAMODB_TABLE = ack('dynamodb', 'Table');
export const SQS_QUEUE = ack('sqs', 'Queue');
export const SNS_TOPIC = ack('sns', 'Topic');
export const KMS_KEY = ack('kms', 'Key');
export const SECRETSMANAGER_SECRET = ack('secretsmanager', 'Secret');
export const ECR_REPOSITORY = ack('ecr', 'Repository');
export const EC2_SECURITY_GROUP = ack('ec2', 'SecurityGroup');
export const ELASTICACHE_REPLICATION_GROUP = ack('elasticache', 'ReplicationGroup');
export const ELASTICACHE_CACHE_CLUSTER = ack('elasticache', 'CacheCluster');
export const ELASTICACHE_SERVERLESS_CACHE = ack('elasticache', 'ServerlessCache');
export const EKS_CLUSTER = ack('eks', 'Cluster');
export const EKS_ACCESS_ENTRY = ack('eks', 'AccessEntry');
export const EKS_NODEGROUP = ack('eks', 'Nodegroup');

/** Core Kubernetes kinds the rules check or read (compliance-catalogue §2.6). */
export const SERVICE: KindSelector = { group: '', kind: 'Service' };
export const SERVICE_ACCOUNT: KindSelector = { group: '', kind: 'ServiceAccount' };
export const INGRESS: KindSelector = { group: 'networking.k8s.io', kind: 'Ingress' };

/** True when the resource's GVK matches the selector (versions are not compared). */
export function isKind(resource: RenderedResource, selector: KindSelector): boolean {
  return resource.gvk.group === selector.group && resource.gvk.kind === selector.kind;
}

/** True when the resource's GVK matches one of the selectors. */
export function isAnyKind(resource: RenderedResource, selectors: readonly KindSelector[]): boolean {
  return selectors.some((s) => isKind(resource, s));
}

/**
 * A rule scoped to `kinds`: `check` runs only on objects of those kinds that the graph creates;
 * other kinds and externalRefs (kro only reads them; their object is just the reference) give `[]`,
 * the {@link Rule} contract for objects out of scope.
 */
export function scopedRule(
  kinds: readonly KindSelector[],
  rule: Omit<Rule, 'kinds' | 'check'>,
  check: (ctx: RuleContext) => RuleResult[],
): Rule {
  return {
    ...rule,
    kinds,
    check: (ctx) => (!ctx.resource.external && isAnyKind(ctx.resource, kinds) ? check(ctx) : []),
  };
}
