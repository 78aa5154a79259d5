import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuantity } from '../../../../src/cel/library/quantity.ts';
import { parseSemver } from '../../../../src/cel/library/k8s-misc.ts';
import { ev, evError } from './helpers.ts';

describe('k8s Quantity', () => {
  it('canonicalises like resource.Quantity', () => {
    const cases: [string, string][] = [
      ['1000m', '1'],
      ['1500m', '1500m'],
      ['0.1', '100m'],
      ['1.5Gi', '1536Mi'],
      ['1024Ki', '1Mi'],
      ['12e3', '12e3'],
      ['1e4', '10e3'],
      ['0.0000000001', '1n'],
      ['-0.0000000001', '-1n'],
      ['100', '100'],
      ['1k', '1k'],
      ['2000k', '2M'],
      ['512', '512'],
      ['0', '0'],
    ];
    for (const [input, want] of cases) assert.equal(parseQuantity(input).toString(), want, input);
  });

  it('compares, adds and converts', () => {
    assert.equal(ev("quantity('200M') == quantity('0.2G')"), true);
    assert.equal(ev("quantity('50M').compareTo(quantity('50Mi'))"), -1n);
    assert.equal(ev("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()"), 20n);
    assert.equal(ev("quantity('50.703k').asApproximateFloat()"), 50703);
    assert.equal(ev("quantity('9999999999999999999999999999999999999G').isInteger()"), false);
    assert.equal(
      evError("quantity('9999999999999999999999999999999999999G').asInteger()"),
      'cannot convert value to integer',
    );
    assert.equal(ev("sign(quantity('-1m'))"), -1n);
    assert.equal(ev("isQuantity('200K')"), false);
    assert.match(evError("quantity('10Mo')"), /^quantities must match the regular expression/);
    assert.equal(evError("quantity('10Mm')"), "unable to parse quantity's suffix");
  });
});

describe('k8s IP and CIDR', () => {
  it('parses, prints canonically and classifies', () => {
    assert.equal(ev("string(ip('2001:DB8:0:0:1:0:0:1'))"), '2001:db8::1:0:0:1');
    assert.equal(ev("ip.isCanonical('2001:db8::1')"), true);
    assert.equal(ev("ip.isCanonical('2001:DB8::1')"), false);
    assert.equal(ev("ip('fe80::1').isLinkLocalUnicast()"), true);
    assert.equal(ev("ip('ff02::1').isLinkLocalMulticast()"), true);
    assert.equal(ev("ip('255.255.255.255').isGlobalUnicast()"), false);
    assert.equal(ev("isIP('01.2.3.4')"), false);
    assert.equal(ev("isIP('::ffff:1.2.3.4')"), false);
    assert.equal(evError("ip('fe80::1%eth0')"), 'IP address "fe80::1%eth0" with zone value is not allowed');
    assert.equal(ev("ip('10.0.0.1') == ip('10.0.0.1')"), true);
  });

  it('handles prefixes', () => {
    assert.equal(ev("string(cidr('192.168.0.1/24').masked())"), '192.168.0.0/24');
    assert.equal(ev("cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()"), false);
    assert.equal(ev("cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')"), true);
    assert.equal(ev("cidr('192.168.1.0/24').containsCIDR(cidr('192.168.0.0/16'))"), false);
    assert.equal(ev("cidr('::1/128').ip().family()"), 6n);
    assert.equal(ev("cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))"), false);
    assert.equal(ev("isCIDR('10.0.0.0/33')"), false);
    assert.equal(ev("cidr('10.0.0.0/8').prefixLength()"), 8n);
  });
});

describe('k8s URLs and Regex', () => {
  it('parses request URIs', () => {
    assert.equal(ev("url('https://[::1]:80/').getHostname()"), '::1');
    assert.equal(ev("url('https://[::1]:80/').getHost()"), '[::1]:80');
    assert.equal(ev("url('https://example.com:80/').getPort()"), '80');
    assert.equal(
      ev("url('https://example.com/path with spaces/').getEscapedPath()"),
      '/path%20with%20spaces/',
    );
    assert.deepEqual(ev("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()"), {
      k1: ['a'],
      k2: ['b', 'c'],
    });
    assert.equal(ev("url('/path').getScheme()"), '');
    assert.equal(ev("isURL('../relative-path')"), false);
    assert.equal(ev("isURL('https://a:b:c/')"), false);
  });

  it('finds matches', () => {
    assert.equal(ev("'abc 123'.find('[0-9]+')"), '123');
    assert.equal(ev("'abc'.find('[0-9]+')"), '');
    assert.deepEqual(ev("'123 abc 456'.findAll('[0-9]+', 1)"), ['123']);
    assert.deepEqual(ev("'abc'.findAll('x*')"), ['', '', '', '']);
    assert.deepEqual(ev("'ABC'.findAll('(?i)b')"), ['B']);
  });
});

describe('k8s Semver', () => {
  it('orders pre-releases per semver 2.0', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 1; i < order.length; i++) {
      assert.equal(
        parseSemver(order[i - 1] ?? '').compare(parseSemver(order[i] ?? '')),
        -1,
        `${order[i - 1]} < ${order[i]}`,
      );
    }
    assert.equal(ev("semver('1.2.3+build') == semver('1.2.3')"), true);
  });

  it('validates and normalises', () => {
    assert.equal(ev("isSemver('v1.0.0')"), false);
    assert.equal(ev("isSemver('v1.0', true)"), true);
    assert.equal(ev("semver('01.01.01', true).minor()"), 1n);
    assert.equal(evError("semver('1.01.0')"), 'Minor number must not contain leading zeroes "01"');
  });
});
