/**
 * Aurora exemptions of the RDS rules (compliance-catalogue §1.3): an Aurora member DBInstance takes
 * cluster-level settings from its DBCluster; an Aurora DBCluster has no `publiclyAccessible` of its own.
 */
import { valueAt } from '../../graph/render/symbolic.ts';
import type { RuleContext } from '../types.ts';
import { isKind, RDS_DB_CLUSTER, RDS_DB_INSTANCE } from './kinds.ts';
import { nonEmptyString, testValue, type Exemption } from './tri-state.ts';

/**
 * Whether a DBInstance is an Aurora cluster member: `dbClusterIdentifier` set and not empty.
 * Always false for a DBCluster.
 */
export function auroraMember(ctx: RuleContext): Exemption {
  const path = ['spec', 'dbClusterIdentifier'];
  const value = valueAt(ctx.object, path);
  return {
    holds: isKind(ctx.resource, RDS_DB_INSTANCE) ? nonEmptyString(value) : false,
    path,
    value,
    condition: 'the instance is an Aurora cluster member (dbClusterIdentifier is set); its DBCluster decides',
    verdict: 'na',
  };
}

/** RDS-003 does not apply to Aurora DBClusters, whose instances carry `publiclyAccessible`. */
export function auroraCluster(ctx: RuleContext): Exemption {
  const path = ['spec', 'engine'];
  const value = valueAt(ctx.object, path);
  return {
    holds: isKind(ctx.resource, RDS_DB_CLUSTER)
      ? testValue(value, (v) => typeof v === 'string' && v.startsWith('aurora'), false)
      : false,
    path,
    value,
    condition: 'an Aurora DBCluster (publiclyAccessible is set on its DB instances)',
    verdict: 'na',
  };
}
