/**
 * The built-in rule catalogue (compliance-catalogue §2): every rule kro-guard ships, in a stable
 * order (S3, IAM, resource policies, RDS, DynamoDB, SQS, SNS, KMS, Secrets Manager, ECR, EC2,
 * ElastiCache, EKS, workloads and images, Pod Security).
 */
import type { Rule } from '../types.ts';
import { DDB_RULES } from './dynamodb.ts';
import { SG_RULES } from './ec2.ts';
import { ECR_RULES } from './ecr.ts';
import { EKS_RULES } from './eks.ts';
import { ELASTICACHE_RULES } from './elasticache.ts';
import { IAM_RULES } from './iam.ts';
import { IMAGE_RULES } from './images.ts';
import { KMS_RULES } from './kms.ts';
import { SNS_RULES, SQS_RULES } from './messaging.ts';
import { PSS_RULES } from './pod-security.ts';
import { RDS_RULES } from './rds.ts';
import { RESOURCE_POLICY_RULES } from './resource-policy.ts';
import { S3_RULES } from './s3.ts';
import { SM_RULES } from './secretsmanager.ts';
import { WORKLOAD_RULES } from './workloads.ts';

/** Every built-in rule. Ids are unique (a unit test checks it). */
export const BUILTIN_RULES: readonly Rule[] = Object.freeze([
  ...S3_RULES,
  ...IAM_RULES,
  ...RESOURCE_POLICY_RULES,
  ...RDS_RULES,
  ...DDB_RULES,
  ...SQS_RULES,
  ...SNS_RULES,
  ...KMS_RULES,
  ...SM_RULES,
  ...ECR_RULES,
  ...SG_RULES,
  ...ELASTICACHE_RULES,
  ...EKS_RULES,
  ...WORKLOAD_RULES,
  ...IMAGE_RULES,
  ...PSS_RULES,
]);

/** The ids of {@link BUILTIN_RULES}. */
export const BUILTIN_RULE_IDS: ReadonlySet<string> = new Set(BUILTIN_RULES.map((r) => r.id));

/** The built-in rule with this id, or undefined. */
export function builtinRule(id: string): Rule | undefined {
  return BUILTIN_RULES.find((r) => r.id === id);
}
