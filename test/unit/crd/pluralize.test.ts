import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flectParts, flectPluralize, pluralizeKind } from '../../../src/crd/pluralize.ts';

// Expected plurals worked out by hand from flect v1.0.3's tables and rule order (see pluralize.ts):
// the irregular table first, then dictionary words as suffixes, then the suffix list, then "+s".
const TABLE: readonly (readonly [kind: string, plural: string, why: string])[] = [
  // kro examples
  ['WebApp', 'webapps', 'no rule: +s'],
  ['Database', 'databases', 'dictionary suffix base → bases'],
  ['Policy', 'policies', 'y → ies'],
  ['Status', 'statuses', 'us → uses'],
  ['Ingress', 'ingresses', 'ss → sses'],
  ['Proxy', 'proxies', 'y → ies'],
  ['Cache', 'caches', 'dictionary suffix ache → aches'],
  ['Application', 'applications', '+s'],
  ['NetworkStack', 'networkstacks', '+s'],
  ['EC2Instance', 'ec2instances', 'digits stay in the one part'],
  ['S3Bucket', 's3buckets', '+s'],
  ['Service', 'services', '+s'],
  // -y
  ['Key', 'keys', 'ey → eys'],
  ['Day', 'days', 'ay → ays'],
  ['Toy', 'toys', 'oy → oys'],
  ['City', 'cities', 'y → ies'],
  ['Gateway', 'gateways', 'ay → ays'],
  // -s, -x, -ch, -sh, -z
  ['Bus', 'buses', 'us → uses'],
  ['Class', 'classes', 'ss → sses'],
  ['Box', 'boxes', 'x → xes'],
  ['Fox', 'foxes', 'x → xes (ox is exact, not a suffix)'],
  ['Church', 'churches', 'ch → ches'],
  ['Wish', 'wishes', 'sh → shes'],
  ['Quiz', 'quizzes', 'iz → izzes'],
  ['Buzz', 'buzzes', 'zz → zzes'],
  ['Virus', 'viruses', 'us → uses'],
  ['Census', 'censuses', 'us → uses'],
  ['Address', 'addresses', 'ss → sses'],
  // -f / -fe
  ['Knife', 'knives', 'fe → ves'],
  ['Wife', 'wives', 'fe → ves'],
  ['Safe', 'saves', 'afe → aves'],
  ['Leaf', 'leaves', 'eaf → eaves'],
  ['Half', 'halves', 'lf → lves'],
  ['Wolf', 'wolves', 'lf → lves'],
  ['Scarf', 'scarves', 'arf → arves'],
  ['Dwarf', 'dwarfs', 'dictionary'],
  ['Chef', 'chefs', '+s'],
  ['Thief', 'thieves', 'dictionary'],
  // -o
  ['Hero', 'heroes', 'o → oes'],
  ['Video', 'videoes', 'o → oes (flect has no -eo rule)'],
  ['Photo', 'photos', 'to → tos'],
  ['Radio', 'radios', 'io → ios'],
  ['Zoo', 'zoos', 'oo → oos'],
  ['Potato', 'potatoes', 'dictionary'],
  // Latin/Greek
  ['Index', 'indices', 'dictionary'],
  ['Matrix', 'matrices', 'trix → trices'],
  ['Vertex', 'vertices', 'dictionary'],
  ['Criterion', 'criteria', 'dictionary'],
  ['Datum', 'data', 'atum → ata'],
  ['Medium', 'media', 'dictionary'],
  ['Analysis', 'analyses', 'ysis → yses'],
  ['Diagnosis', 'diagnoses', 'gnosis → gnoses'],
  ['Crisis', 'crises', 'dictionary'],
  ['Cactus', 'cacti', 'dictionary'],
  ['Octopus', 'octupuses', "dictionary (flect's spelling)"],
  ['Stadium', 'stadiums', 'dictionary'],
  ['Museum', 'museums', 'seum → seums'],
  ['Formula', 'formulas', 'dictionary'],
  ['Bureau', 'bureaus', 'dictionary'],
  ['Axis', 'axes', 'exact dictionary word'],
  ['Alias', 'aliases', 'exact dictionary word'],
  // irregular
  ['Person', 'people', 'dictionary'],
  ['Child', 'children', 'dictionary'],
  ['Man', 'men', 'dictionary'],
  ['Woman', 'women', 'dictionary'],
  ['Human', 'humans', 'dictionary'],
  ['Foot', 'feet', 'dictionary'],
  ['Goose', 'geese', 'dictionary'],
  ['Mouse', 'mice', 'dictionary'],
  ['Louse', 'lice', 'exact dictionary word'],
  ['House', 'houses', 'dictionary'],
  ['Ox', 'oxen', 'exact dictionary word'],
  ['Die', 'dice', 'exact dictionary word'],
  ['Toe', 'toes', 'exact dictionary word'],
  ['Movie', 'movies', 'dictionary'],
  ['Cookie', 'cookies', 'dictionary'],
  ['Hive', 'hives', 'dictionary'],
  // uncountable / identical
  ['Sheep', 'sheep', 'identical'],
  ['Fish', 'fish', 'identical'],
  ['Deer', 'deer', 'identical'],
  ['Series', 'series', 'identical'],
  ['Species', 'species', 'identical'],
  ['Chassis', 'chassis', 'identical'],
  ['Equipment', 'equipment', 'uncountable'],
  ['Information', 'information', 'uncountable'],
  ['News', 'news', 'uncountable'],
  ['Money', 'money', 'uncountable'],
  // already plural
  ['Users', 'users', 'ends in s'],
  ['Endpoints', 'endpoints', 'ends in s'],
  ['Children', 'children', 'known plural'],
  ['People', 'people', 'known plural'],
  ['Canvas', 'canvas', 'ends in s, no rule'],
  // acronyms: lower-cased input gets an upper-case part
  ['Api', 'apis', 'acronym part API: no rule applies, +s'],
  ['Ssh', 'sshs', 'acronym part SSH: the lower-case sh rule does not apply'],
  ['Dns', 'dnsDNSes', 'acronym part DNS: the S → Ses rule, appended to the original'],
];

describe('pluralizeKind (flect v1.0.3, kro-contract §6.1)', () => {
  for (const [kind, plural, why] of TABLE) {
    it(`${kind} → ${plural} (${why})`, () => {
      assert.equal(pluralizeKind(kind), plural);
    });
  }

  it('has at least 60 table entries', () => {
    assert.ok(TABLE.length >= 60);
  });

  it('lower-cases before pluralizing, as kro does (ServiceDNS, POLICY)', () => {
    assert.equal(pluralizeKind('ServiceDNS'), 'servicedns');
    assert.equal(pluralizeKind('POLICY'), 'policies');
  });
});

describe('flectPluralize on mixed-case input', () => {
  it('inflects the last word only and keeps capitalisation', () => {
    assert.equal(flectPluralize('Person'), 'People');
    assert.equal(flectPluralize('WebApp'), 'WebApps');
    assert.equal(flectPluralize('user_profile'), 'user_profiles');
    assert.equal(flectPluralize('ID'), 'IDs');
    assert.equal(flectPluralize(''), '');
  });
});

describe('flectParts', () => {
  it('splits at case changes and separators and upper-cases acronyms', () => {
    assert.deepEqual(flectParts('WebApp'), ['Web', 'App']);
    assert.deepEqual(flectParts('my-app_name'), ['my', 'app', 'name']);
    assert.deepEqual(flectParts('dns'), ['DNS']);
    assert.deepEqual(flectParts('webapp'), ['webapp']);
    assert.deepEqual(flectParts('HTTPServer'), ['HTTP', 'Server']);
  });
});
