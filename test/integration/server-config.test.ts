/** loadServerConfig: flags over environment over defaults, and clear errors for bad values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, SERVER_DEFAULTS, loadServerConfig } from '../../src/server/config.ts';

describe('loadServerConfig', () => {
  it('uses the defaults when nothing is given', () => {
    const c = loadServerConfig({}, {});
    assert.deepEqual(c, {
      host: '0.0.0.0',
      port: 8443,
      tlsCertPath: 'certs/tls.crt',
      tlsKeyPath: 'certs/tls.key',
      failurePolicy: 'Fail',
      reviewTimeoutMs: 4000,
      bodyLimitBytes: 32 * 1024 * 1024,
      logLevel: 'info',
      schemaSource: 'embedded',
      registrar: false,
    });
    assert.equal(SERVER_DEFAULTS.reviewTimeoutMs < 5000, true, 'below the webhook timeoutSeconds of 5');
  });

  it('reads every KRO_GUARD_* variable', () => {
    const c = loadServerConfig(
      {},
      {
        KRO_GUARD_HOST: '::',
        KRO_GUARD_PORT: '9443',
        KRO_GUARD_TLS_CERT: '/tls/tls.crt',
        KRO_GUARD_TLS_KEY: '/tls/tls.key',
        KRO_GUARD_FAILURE_POLICY: 'Ignore',
        KRO_GUARD_REVIEW_TIMEOUT_MS: '2500',
        KRO_GUARD_BODY_LIMIT_BYTES: '1048576',
        KRO_GUARD_LOG_LEVEL: 'debug',
        KRO_GUARD_WORKERS: '3',
        KRO_GUARD_SCHEMAS: 'cluster',
        KRO_GUARD_KUBECONFIG: '/etc/kro-guard/kubeconfig',
        KRO_GUARD_CRDS: '/crds/ack, /crds/more.yaml,',
        KRO_GUARD_POLICIES: 'manifests/policies/default.yaml,/etc/kro-guard/extra.yaml',
        KRO_GUARD_REGISTRAR: 'off',
      },
    );
    assert.deepEqual(c, {
      host: '::',
      port: 9443,
      tlsCertPath: '/tls/tls.crt',
      tlsKeyPath: '/tls/tls.key',
      failurePolicy: 'Ignore',
      reviewTimeoutMs: 2500,
      bodyLimitBytes: 1048576,
      logLevel: 'debug',
      workers: 3,
      schemaSource: 'cluster',
      kubeconfigPath: '/etc/kro-guard/kubeconfig',
      crdPaths: ['/crds/ack', '/crds/more.yaml'],
      policyPaths: ['manifests/policies/default.yaml', '/etc/kro-guard/extra.yaml'],
      registrar: false,
    });
  });

  it('runs the registrar by default with cluster schemas only, and refuses other values', () => {
    assert.equal(loadServerConfig({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).registrar, true);
    assert.equal(
      loadServerConfig({ registrar: 'off' }, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).registrar,
      false,
    );
    assert.equal(loadServerConfig({ registrar: 'on' }, {}).registrar, true);
    assert.throws(() => loadServerConfig({}, { KRO_GUARD_REGISTRAR: 'yes' }), /KRO_GUARD_REGISTRAR "yes"/);
  });

  it('picks the cluster schema source in a pod or with a kubeconfig, embedded otherwise', () => {
    assert.equal(loadServerConfig({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).schemaSource, 'cluster');
    assert.equal(loadServerConfig({ kubeconfig: 'k.yaml' }, {}).schemaSource, 'cluster');
    assert.equal(loadServerConfig({}, { KUBERNETES_SERVICE_HOST: '' }).schemaSource, 'embedded');
    assert.equal(
      loadServerConfig({ schemas: 'embedded' }, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).schemaSource,
      'embedded',
    );
    assert.equal(loadServerConfig({ crds: 'a,b' }, {}).crdPaths?.join(' '), 'a b');
  });

  it('lets flags win over the environment, and ignores empty variables', () => {
    const c = loadServerConfig(
      { port: '10443', failurePolicy: 'Fail', tlsCert: 'a.crt', reviewTimeoutMs: 1000 },
      {
        KRO_GUARD_PORT: '9443',
        KRO_GUARD_FAILURE_POLICY: 'Ignore',
        KRO_GUARD_TLS_CERT: 'b.crt',
        KRO_GUARD_HOST: '',
      },
    );
    assert.equal(c.port, 10443);
    assert.equal(c.failurePolicy, 'Fail');
    assert.equal(c.tlsCertPath, 'a.crt');
    assert.equal(c.reviewTimeoutMs, 1000);
    assert.equal(c.host, '0.0.0.0');
  });

  it('rejects invalid values naming the flag or variable and the accepted values', () => {
    const cases: [Parameters<typeof loadServerConfig>[0], Record<string, string>, RegExp][] = [
      [{}, { KRO_GUARD_PORT: 'http' }, /^invalid KRO_GUARD_PORT "http": must be an integer from 0 to 65535$/],
      [{ port: '70000' }, {}, /^invalid --port "70000"/],
      [{ port: '-1' }, {}, /^invalid --port "-1"/],
      [{ port: '8443.5' }, {}, /^invalid --port/],
      [
        {},
        { KRO_GUARD_FAILURE_POLICY: 'fail' },
        /^invalid KRO_GUARD_FAILURE_POLICY "fail": must be one of Fail, Ignore$/,
      ],
      [
        { logLevel: 'verbose' },
        {},
        /^invalid --log-level "verbose": must be one of fatal, error, warn, info/,
      ],
      [{ reviewTimeoutMs: '0' }, {}, /^invalid --review-timeout-ms "0": must be an integer from 1 to 29000$/],
      [{ reviewTimeoutMs: '30000' }, {}, /--review-timeout-ms/],
      [{ bodyLimitBytes: '10' }, {}, /--body-limit-bytes/],
      [{ workers: '0' }, {}, /--workers/],
      [{ tlsKey: ' ' }, {}, /^invalid --tls-key: must not be empty$/],
      [
        {},
        { KRO_GUARD_SCHEMAS: 'live' },
        /^invalid KRO_GUARD_SCHEMAS "live": must be one of cluster, embedded$/,
      ],
      [
        { schemas: 'cluster' },
        {},
        /^schemas "cluster" needs --kubeconfig \/ KRO_GUARD_KUBECONFIG outside a pod \(KUBERNETES_SERVICE_HOST is not set\)$/,
      ],
    ];
    for (const [flags, env, pattern] of cases) {
      assert.throws(
        () => loadServerConfig(flags, env),
        (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
        JSON.stringify({ flags, env }),
      );
    }
  });
});
