/**
 * Credential and default-value checks of ACK RDS `DBInstance`/`DBCluster` (compliance-catalogue
 * §1.3, §2.3 RDS-012 and RDS-013).
 */
import { valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { RuleContext, RuleResult } from '../types.ts';
import { isKind, RDS_DB_INSTANCE } from './kinds.ts';
import { auroraMember } from './rds-aurora.ts';
import { Findings, and, nonEmptyString, not, or, show, testValue, type Tri } from './tri-state.ts';

/** Fields that create a database from a snapshot or a source, which then keeps the source's password. */
const INHERITING_FIELDS = {
  DBInstance: ['sourceDBInstanceIdentifier', 'dbSnapshotIdentifier', 'dbClusterSnapshotIdentifier'],
  DBCluster: ['snapshotIdentifier', 'sourceDBClusterIdentifier', 'replicationSourceIdentifier'],
} as const;

/** Default port of each engine family (RDS.23 fails a database on its engine's default port). */
const DEFAULT_PORTS: readonly [prefix: string, port: number][] = [
  ['aurora-postgresql', 5432],
  ['aurora', 3306],
  ['mysql', 3306],
  ['mariadb', 3306],
  ['postgres', 5432],
  ['oracle', 1521],
  ['sqlserver', 1433],
  ['db2', 50000],
];

/** The default admin user names RDS.24/RDS.25 reject (AWS Config `rds-instance-default-admin-check`). */
export const DEFAULT_ADMIN_NAMES: readonly string[] = ['admin', 'postgres'];

const present = (v: RenderedValue | undefined): Tri => v !== undefined && v !== null;

/**
 * RDS-012: no plaintext `tdeCredentialPassword`; the master password is RDS-managed
 * (`manageMasterUserPassword: true`) or a Secret reference (`masterUserPassword`), unless the
 * database inherits it (Aurora member, snapshot restore, read replica).
 */
export function checkCredentials(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  const spec = (rel: string): RenderedValue | undefined => valueAt(ctx.object, ['spec', rel]);
  const isInstance = isKind(ctx.resource, RDS_DB_INSTANCE);
  if (isInstance) {
    const tde = spec('tdeCredentialPassword');
    f.record(
      nonEmptyString(tde),
      ['spec', 'tdeCredentialPassword'],
      tde,
      'tdeCredentialPassword puts a plaintext password in the resource',
      `tdeCredentialPassword is ${show(tde)}, not known yet (must be empty)`,
    );
  }
  const member = auroraMember(ctx);
  const sources = INHERITING_FIELDS[isInstance ? 'DBInstance' : 'DBCluster'];
  const inherits = or(member.holds, ...sources.map((s) => present(spec(s))));
  const manage = spec('manageMasterUserPassword');
  const secretRef = spec('masterUserPassword');
  const managed = or(
    testValue(manage, (v) => v === true, false),
    present(secretRef),
  );
  f.record(
    and(not(managed), not(inherits)),
    ['spec', 'masterUserPassword'],
    [manage, member.value, ...sources.map(spec)],
    'no master password source: set manageMasterUserPassword: true or masterUserPassword (a Secret reference)',
    `manageMasterUserPassword is ${show(manage)}, not known yet (or a Secret reference is needed)`,
  );
  return f.conclude(['spec'], 'the master password is RDS-managed, a Secret reference, or inherited');
}

/** Whether `port` (absent: the engine default) is the default port of `engine`. */
function portIsDefault(engine: RenderedValue | undefined, port: RenderedValue | undefined): Tri {
  if (typeof engine === 'string') {
    const known = DEFAULT_PORTS.find(([prefix]) => engine.startsWith(prefix))?.[1];
    if (known === undefined) return false;
    return testValue(port, (v) => v === known, true);
  }
  if (port === undefined || port === null) return 'unknown';
  return testValue(port, (v) => DEFAULT_PORTS.some(([, p]) => p === v), false) === false ? false : 'unknown';
}

/** RDS-013: the port is not the engine's default and the admin name is not a default one. */
export function checkDefaults(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  const engine = valueAt(ctx.object, ['spec', 'engine']);
  const port = valueAt(ctx.object, ['spec', 'port']);
  f.record(
    portIsDefault(engine, port),
    ['spec', 'port'],
    [port, engine],
    `port is ${port === undefined ? 'not set' : show(port)}: the default port of engine ${show(engine)}`,
    `port ${show(port)} with engine ${show(engine)} is not known yet (must not be the engine default)`,
  );
  const user = valueAt(ctx.object, ['spec', 'masterUsername']);
  f.record(
    testValue(user, (v) => typeof v === 'string' && DEFAULT_ADMIN_NAMES.includes(v), false),
    ['spec', 'masterUsername'],
    user,
    `masterUsername is ${show(user)}, a default admin name`,
    `masterUsername is ${show(user)}, not known yet (must not be ${DEFAULT_ADMIN_NAMES.join(' or ')})`,
  );
  return f.conclude(['spec'], 'the port and the admin name are not defaults');
}
