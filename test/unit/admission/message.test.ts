import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, warning } from '../../../src/diagnostics/diagnostic.ts';
import {
  MAX_LISTED_ERRORS,
  MAX_MESSAGE_LENGTH,
  MAX_PATH_LENGTH,
  MAX_WARNINGS,
  WARNING_MAX_LENGTH,
  formatDenialMessage,
  formatWarning,
  formatWarnings,
  truncateText,
} from '../../../src/admission/message.ts';

describe('formatDenialMessage', () => {
  it('summarises, then lists one error per line with path and resource id', () => {
    const msg = formatDenialMessage('ResourceGraphDefinition', 'webapp.kro.run', [
      error('rgd/kind', 'spec.schema.kind', "kind 'badKind' is not a valid KRO kind name"),
      error(
        'graph/unknown',
        'spec.resources[1].template.metadata.name',
        'references unknown identifiers: [svc]',
        'service',
      ),
    ]);
    assert.equal(
      msg,
      [
        'ResourceGraphDefinition "webapp.kro.run" is invalid: 2 errors',
        "- spec.schema.kind: kind 'badKind' is not a valid KRO kind name",
        '- spec.resources[1].template.metadata.name (resource "service"): references unknown identifiers: [svc]',
      ].join('\n'),
    );
  });

  it('says "1 error", and handles an empty path and a missing name', () => {
    assert.equal(
      formatDenialMessage('ResourceGraphDefinition', undefined, [error('x/y', '', 'spec is required')]),
      'ResourceGraphDefinition is invalid: 1 error\n- spec is required',
    );
    assert.equal(
      formatDenialMessage('ResourceGraphDefinition', '', [error('x/y', '', 'bad', 'web')]),
      'ResourceGraphDefinition is invalid: 1 error\n- resource "web": bad',
    );
  });

  it('indents the continuation lines of a multi-line message', () => {
    const msg = formatDenialMessage('ResourceGraphDefinition', 'a', [
      error('cel/parse', 'spec.x', 'parse error\n | a +\n | ...^'),
    ]);
    assert.equal(
      msg,
      'ResourceGraphDefinition "a" is invalid: 1 error\n- spec.x: parse error\n     | a +\n     | ...^',
    );
  });

  it('shortens very long paths in the middle and cuts very long messages', () => {
    const path = `spec.resources[0].template.deep${'.a'.repeat(50_000)}.leaf`;
    const msg = formatDenialMessage('ResourceGraphDefinition', 'a', [
      error('x/y', path, 'm'.repeat(5000), 'web'),
    ]);
    const line = msg.split('\n')[1]!;
    const shown = line.slice(2, line.indexOf(' (resource "web"): '));
    assert.equal(Array.from(shown).length, MAX_PATH_LENGTH);
    assert.ok(shown.startsWith('spec.resources[0].template.deep.a.a'));
    assert.ok(shown.endsWith('.a.a.leaf'));
    assert.ok(shown.includes('…'));
    const text = line.slice(line.indexOf('): ') + 3);
    assert.equal(Array.from(text).length, MAX_MESSAGE_LENGTH);
    assert.ok(text.endsWith('…'));
  });

  it(`lists at most ${MAX_LISTED_ERRORS} errors and counts the rest`, () => {
    const errors = Array.from({ length: MAX_LISTED_ERRORS + 7 }, (_, i) =>
      error('x/y', `spec.resources[${i}].id`, 'bad id'),
    );
    const lines = formatDenialMessage('ResourceGraphDefinition', 'a', errors).split('\n');
    assert.equal(lines[0], `ResourceGraphDefinition "a" is invalid: ${MAX_LISTED_ERRORS + 7} errors`);
    assert.equal(lines.length, MAX_LISTED_ERRORS + 2);
    assert.equal(lines.at(-1), '- … and 7 more errors');
  });
});

describe('warnings', () => {
  it('keeps a short warning as "<path>: <message>"', () => {
    assert.equal(
      formatWarning(warning('w/x', 'spec.schema.spec.name', 'field is unused')),
      'spec.schema.spec.name: field is unused',
    );
    assert.equal(formatWarning(warning('w/x', '', 'no resources')), 'no resources');
  });

  it('shortens the path first, then the message, to stay under 120 characters', () => {
    const path = 'spec.resources[12].template.spec.containers[0].securityContext.allowPrivilegeEscalation';
    const message =
      'PSS-allowPrivilegeEscalation deferred to instance admission: depends on spec.securityContext';
    const w = formatWarning(warning('w/x', path, message));
    assert.ok(WARNING_MAX_LENGTH < 120);
    assert.equal(Array.from(w).length, WARNING_MAX_LENGTH);
    assert.ok(w.endsWith(`: ${message}`), w);
    assert.ok(w.startsWith('spec.reso'), w);
    assert.match(w, /…/);
    const long = formatWarning(warning('w/x', path, 'expression may be null here because '.repeat(10)));
    assert.equal(Array.from(long).length, WARNING_MAX_LENGTH);
    assert.ok(long.endsWith('…'));
  });

  it('keeps path and message whole when they fit', () => {
    const path = 'spec.resources[0].template.spec.acl';
    assert.equal(formatWarning(warning('w/x', path, 'S3-004 deferred')), `${path}: S3-004 deferred`);
  });

  it('cuts a path that is itself too long, still under 120 characters', () => {
    const w = formatWarning(warning('w/x', `spec.${'a'.repeat(200)}`, 'message'));
    assert.ok(Array.from(w).length <= WARNING_MAX_LENGTH);
    assert.ok(w.endsWith(': message'));
  });

  it('makes each warning one line and never splits a surrogate pair', () => {
    assert.equal(formatWarning(warning('w/x', 'p', 'line one\n  line two')), 'p: line one line two');
    const emoji = truncateText('😀'.repeat(200), 10);
    assert.equal(emoji, `${'😀'.repeat(9)}…`);
    assert.equal(emoji.isWellFormed(), true);
  });

  it('keeps only warnings, at most MAX_WARNINGS, with a count of the rest', () => {
    const diags = [
      error('e/x', 'a', 'an error'),
      ...Array.from({ length: 30 }, (_, i) => warning('w/x', `f${i}`, 'w')),
    ];
    const out = formatWarnings(diags);
    assert.equal(out.length, MAX_WARNINGS);
    assert.equal(out[0], 'f0: w');
    assert.equal(out.at(-1), `… and ${30 - (MAX_WARNINGS - 1)} more warnings`);
    assert.deepEqual(formatWarnings([error('e/x', 'a', 'x')]), []);
  });
});
