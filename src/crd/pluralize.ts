/**
 * The plural kro gives a kind (kro-contract §6.1): `flect.Pluralize(strings.ToLower(kind))`, where
 * flect is `github.com/gobuffalo/flect` **v1.0.3** (the version pinned in kro v0.9.3's go.mod). This is
 * an independent TypeScript implementation of that library's behaviour: the same word tables (facts,
 * not code) and the same decision order.
 *
 * How flect v1.0.3 pluralizes a string `s`:
 * 1. `s` is split into parts (see {@link flectParts}); the last part `w` is the word that is inflected.
 *    A part that is a known acronym (`DNS`, `API`, …) is upper-cased, so with kro's lower-cased input an
 *    acronym kind such as `dns` has the part `DNS`.
 * 2. The whole original string is looked up in the irregular table (`singular → plural`): a hit returns
 *    the plural. A hit in the reverse table (`plural → singular`) returns `s` unchanged.
 * 3. The same two lookups are made with `lower(w)`; a plural found this way replaces the suffix `w`
 *    (capitalised when `w` is).
 * 4. The suffix rules are tried in priority order, **case-sensitively on `w`**; the first rule whose
 *    suffix ends `w` rewrites it. Rules come in pairs: "already plural → keep", then
 *    "singular suffix → plural suffix". Dictionary words that are not `exact` act as suffix rules too
 *    (highest priority, last dictionary entry first), then the suffix list in its order.
 * 5. Otherwise `s` is returned when `lower(w)` ends in `s`, else `s + "s"`.
 *
 * The replacement in steps 3–4 removes `w` from the end of `s` only when `s` really ends with `w`. For an
 * upper-cased acronym part of a lower-case string it does not, which gives flect's odd result for
 * lower-case acronyms ending in "s": `pluralizeKind("Dns")` is `"dnsDNSes"` (the API server then
 * rejects the CRD name; see check.ts).
 */
import { goIsSpace, goTrimSpace } from '../golang/strings.ts';

interface DictionaryWord {
  singular: string;
  /** Empty for uncountable words: the plural is the singular. */
  plural: string;
  alternative?: string;
  /** Plural → singular is not recorded. */
  unidirectional?: boolean;
  /** Only the whole word inflects; the word is not used as a suffix rule. */
  exact?: boolean;
}

function w(singular: string, plural: string, extra: Omit<DictionaryWord, 'singular' | 'plural'> = {}) {
  return { singular, plural, ...extra };
}

/** flect v1.0.3 `dictionary`, in its order (the order sets the rule priority). */
const DICTIONARY: readonly DictionaryWord[] = [
  // identical singular and plural
  w('aircraft', 'aircraft'),
  w('beef', 'beef', { alternative: 'beefs' }),
  w('bison', 'bison'),
  w('blues', 'blues', { unidirectional: true }),
  w('chassis', 'chassis'),
  w('deer', 'deer'),
  w('fish', 'fish', { alternative: 'fishes' }),
  w('moose', 'moose'),
  w('police', 'police'),
  w('salmon', 'salmon', { alternative: 'salmons' }),
  w('series', 'series'),
  w('sheep', 'sheep'),
  w('shrimp', 'shrimp', { alternative: 'shrimps' }),
  w('species', 'species'),
  w('swine', 'swine', { alternative: 'swines' }),
  w('trout', 'trout', { alternative: 'trouts' }),
  w('tuna', 'tuna', { alternative: 'tunas' }),
  w('you', 'you'),
  // -en plurals
  w('child', 'children'),
  w('ox', 'oxen', { exact: true }),
  // vowel-change plurals
  w('foot', 'feet'),
  w('goose', 'geese'),
  w('man', 'men'),
  w('human', 'humans'),
  w('louse', 'lice', { exact: true }),
  w('mouse', 'mice'),
  w('tooth', 'teeth'),
  w('woman', 'women'),
  // miscellaneous irregulars
  w('die', 'dice', { exact: true }),
  w('person', 'people'),
  // French -u
  w('adieu', 'adieux', { alternative: 'adieus' }),
  w('fabliau', 'fabliaux'),
  w('bureau', 'bureaus', { alternative: 'bureaux' }),
  // Greek -on → -a
  w('criterion', 'criteria'),
  w('ganglion', 'ganglia', { alternative: 'ganglions' }),
  w('lexicon', 'lexica', { alternative: 'lexicons' }),
  w('mitochondrion', 'mitochondria', { alternative: 'mitochondrions' }),
  w('noumenon', 'noumena'),
  w('phenomenon', 'phenomena'),
  w('taxon', 'taxa'),
  // Latin -um → -a
  w('media', 'media'),
  w('medium', 'media', { alternative: 'mediums', unidirectional: true }),
  w('stadium', 'stadiums', { alternative: 'stadia' }),
  w('aquarium', 'aquaria', { alternative: 'aquariums' }),
  w('auditorium', 'auditoria', { alternative: 'auditoriums' }),
  w('symposium', 'symposia', { alternative: 'symposiums' }),
  w('curriculum', 'curriculums', { alternative: 'curricula' }),
  w('quota', 'quotas'),
  // Latin -us → -i / -era
  w('alumnus', 'alumni', { alternative: 'alumnuses' }),
  w('bacillus', 'bacilli'),
  w('cactus', 'cacti', { alternative: 'cactuses' }),
  w('coccus', 'cocci'),
  w('focus', 'foci', { alternative: 'focuses' }),
  w('locus', 'loci', { alternative: 'locuses' }),
  w('nucleus', 'nuclei', { alternative: 'nucleuses' }),
  w('octopus', 'octupuses', { alternative: 'octopi' }),
  w('radius', 'radii', { alternative: 'radiuses' }),
  w('syllabus', 'syllabi'),
  w('corpus', 'corpora', { alternative: 'corpuses' }),
  w('genus', 'genera'),
  // Latin -a → -ae
  w('alumna', 'alumnae'),
  w('vertebra', 'vertebrae'),
  w('differentia', 'differentiae'),
  w('minutia', 'minutiae'),
  w('vita', 'vitae'),
  w('larva', 'larvae'),
  w('postcava', 'postcavae'),
  w('praecava', 'praecavae'),
  w('uva', 'uvae'),
  // Latin -ex → -ices
  w('apex', 'apices', { alternative: 'apexes' }),
  w('codex', 'codices', { alternative: 'codexes' }),
  w('index', 'indices', { alternative: 'indexes' }),
  w('latex', 'latices', { alternative: 'latexes' }),
  w('vertex', 'vertices', { alternative: 'vertexes' }),
  w('vortex', 'vortices', { alternative: 'vortexes' }),
  // Latin -ix → -ices
  w('appendix', 'appendices', { alternative: 'appendixes' }),
  w('radix', 'radices', { alternative: 'radixes' }),
  w('helix', 'helices', { alternative: 'helixes' }),
  // Latin -is → -es
  w('axis', 'axes', { exact: true }),
  w('crisis', 'crises'),
  w('ellipsis', 'ellipses', { unidirectional: true }),
  w('genesis', 'geneses'),
  w('oasis', 'oases'),
  w('thesis', 'theses'),
  w('testis', 'testes'),
  w('base', 'bases'),
  w('basis', 'bases', { unidirectional: true }),
  w('alias', 'aliases', { exact: true }),
  w('vedalia', 'vedalias'),
  // words ending in -ch, -o, -s, -sh, -x, -z that would clash with the rules
  w('use', 'uses', { exact: true }),
  w('abuse', 'abuses'),
  w('cause', 'causes'),
  w('clause', 'clauses'),
  w('cruse', 'cruses'),
  w('excuse', 'excuses'),
  w('fuse', 'fuses'),
  w('house', 'houses'),
  w('misuse', 'misuses'),
  w('muse', 'muses'),
  w('pause', 'pauses'),
  w('ache', 'aches'),
  w('topaz', 'topazes'),
  w('buffalo', 'buffaloes', { alternative: 'buffalos' }),
  w('potato', 'potatoes'),
  w('tomato', 'tomatoes'),
  // uncountable
  w('equipment', ''),
  w('information', ''),
  w('jeans', ''),
  w('money', ''),
  w('news', ''),
  w('rice', ''),
  // -f words that do not take -ves (or do, against the rules)
  w('dwarf', 'dwarfs', { alternative: 'dwarves' }),
  w('hoof', 'hoofs', { alternative: 'hooves' }),
  w('thief', 'thieves'),
  w('chive', 'chives'),
  w('hive', 'hives'),
  w('move', 'moves'),
  // -ie words (not -y → -ies)
  w('movie', 'movies'),
  w('cookie', 'cookies'),
  // -um words that take -s
  w('pretorium', 'pretoriums'),
  w('agenda', 'agendas'),
  w('formula', 'formulas', { alternative: 'formulae' }),
  // -oe and invariant
  w('shoe', 'shoes'),
  w('toe', 'toes', { exact: true }),
  w('graffiti', 'graffiti'),
  // abbreviations
  w('ID', 'IDs', { exact: true }),
];

/** flect v1.0.3 `singularToPluralSuffixList`: [singular suffix, plural suffix], in priority order. */
const SUFFIXES: readonly (readonly [string, string])[] = [
  ['tive', 'tives'],
  ['eaf', 'eaves'],
  ['oaf', 'oaves'],
  ['afe', 'aves'],
  ['arf', 'arves'],
  ['rfe', 'rves'],
  ['rf', 'rves'],
  ['lf', 'lves'],
  ['fe', 'ves'],
  ['ay', 'ays'],
  ['ey', 'eys'],
  ['oy', 'oys'],
  ['quy', 'quies'],
  ['uy', 'uys'],
  ['y', 'ies'],
  ['eau', 'eaux'],
  ['bula', 'bulae'],
  ['dula', 'bulae'],
  ['lula', 'bulae'],
  ['nula', 'bulae'],
  ['vula', 'bulae'],
  ['hedron', 'hedra'],
  ['ium', 'ia'],
  ['seum', 'seums'],
  ['eum', 'ea'],
  ['oum', 'oa'],
  ['stracum', 'straca'],
  ['dum', 'da'],
  ['elum', 'ela'],
  ['ilum', 'ila'],
  ['olum', 'ola'],
  ['ulum', 'ula'],
  ['llum', 'lla'],
  ['ylum', 'yla'],
  ['imum', 'ima'],
  ['ernum', 'erna'],
  ['gnum', 'gna'],
  ['brum', 'bra'],
  ['crum', 'cra'],
  ['terum', 'tera'],
  ['serum', 'sera'],
  ['trum', 'tra'],
  ['antum', 'anta'],
  ['atum', 'ata'],
  ['entum', 'enta'],
  ['etum', 'eta'],
  ['itum', 'ita'],
  ['otum', 'ota'],
  ['utum', 'uta'],
  ['ctum', 'cta'],
  ['ovum', 'ova'],
  ['trix', 'trices'],
  ['iasis', 'iases'],
  ['mesis', 'meses'],
  ['kinesis', 'kineses'],
  ['resis', 'reses'],
  ['gnosis', 'gnoses'],
  ['opsis', 'opses'],
  ['ysis', 'yses'],
  ['ouse', 'ouses'],
  ['lause', 'lauses'],
  ['us', 'uses'],
  ['ch', 'ches'],
  ['io', 'ios'],
  ['sh', 'shes'],
  ['ss', 'sses'],
  ['ez', 'ezzes'],
  ['iz', 'izzes'],
  ['tz', 'tzes'],
  ['zz', 'zzes'],
  ['ano', 'anos'],
  ['lo', 'los'],
  ['to', 'tos'],
  ['oo', 'oos'],
  ['o', 'oes'],
  ['x', 'xes'],
  ['S', 'Ses'],
];

/**
 * flect v1.0.3 `baseAcronyms`. Lookups use the upper-cased word, so the entries that are not all upper
 * case (`gbps`, `kbps`, `Mbps`, `MoCA`, `WiFi`) can never match; they are kept for completeness.
 */
const ACRONYMS: ReadonlySet<string> = new Set(
  (
    'OK UTF8 HTML JSON JWT ID UUID SQL ACK ACL ADSL AES ANSI API ARP ATM BGP BSS CCITT CHAP CIDR CIR CLI CPE ' +
    'CPU CRC CRT CSMA CMOS DCE DEC DES DHCP DNS DRAM DSL DSLAM DTE DMI EHA EIA EIGRP EOF ESS FCC FCS FDDI FTP ' +
    'GBIC gbps GEPOF HDLC HTTP HTTPS IANA ICMP IDF IDS IEEE IETF IMAP IP IPS ISDN ISP kbps LACP LAN LAPB LAPF ' +
    'LLC MAC Mbps MC MDF MIB MoCA MPLS MTU NAC NAT NBMA NIC NRZ NRZI NVRAM OSI OSPF OUI PAP PAT PC PIM PCM PDU ' +
    'POP3 POTS PPP PPTP PTT PVST RAM RARP RFC RIP RLL ROM RSTP RTP RCP SDLC SFD SFP SLARP SLIP SMTP SNA SNAP ' +
    'SNMP SOF SRAM SSH SSID STP SYN TDM TFTP TIA TOFU UDP URL URI USB UTP VC VLAN VLSM VPN W3C WAN WEP WiFi ' +
    'WPA WWW'
  ).split(' '),
);

interface Rule {
  suffix: string;
  /** Undefined: the word is already plural and is kept. */
  replacement?: string;
}

const singleToPlural = new Map<string, string>();
const pluralToSingle = new Map<string, string>();
const pluralRules: Rule[] = [];

for (const word of DICTIONARY) {
  const plural = word.plural === '' ? word.singular : word.plural;
  singleToPlural.set(word.singular, plural);
  if (!word.unidirectional) {
    pluralToSingle.set(plural, word.singular);
    if (word.alternative !== undefined) pluralToSingle.set(word.alternative, word.singular);
  }
}
// Dictionary rules first, last entry first; then the suffix list in order.
for (let i = DICTIONARY.length - 1; i >= 0; i--) {
  const word = DICTIONARY[i]!;
  if (word.exact) continue;
  const plural = word.plural === '' ? word.singular : word.plural;
  pluralRules.push({ suffix: plural }, { suffix: word.singular, replacement: plural });
}
for (const [singular, plural] of SUFFIXES) {
  pluralRules.push({ suffix: plural }, { suffix: singular, replacement: plural });
}

const SEPARATORS = new Set(['_', ' ', ':', '-', '/']);
const UPPER = /^\p{Lu}$/u;
const WORD_CHAR = /^[\p{L}\p{Nd}\p{P}`]$/u;

function isSeparator(ch: string): boolean {
  return SEPARATORS.has(ch) || goIsSpace(ch);
}

function isAcronym(s: string): boolean {
  return ACRONYMS.has(s.toUpperCase());
}

function keepPart(parts: string[], raw: string): void {
  let s = goTrimSpace(raw);
  for (const sep of SEPARATORS) {
    while (s.startsWith(sep)) s = s.slice(sep.length);
    while (s.endsWith(sep)) s = s.slice(0, -sep.length);
  }
  if (isAcronym(s)) s = s.toUpperCase();
  if (s !== '') parts.push(s);
}

/**
 * flect's word splitting (`toParts`): splits at separators (`_`, space, `:`, `-`, `/`, Unicode space),
 * before an upper-case letter that follows a non-upper-case one, and after an acronym followed by an
 * upper-case letter; drops characters that are neither letters, digits, punctuation nor backquote;
 * upper-cases parts that are acronyms. A whole string that is an acronym is one upper-cased part.
 */
export function flectParts(input: string): string[] {
  const s = goTrimSpace(input);
  if (s === '') return [];
  if (isAcronym(s)) return [s.toUpperCase()];
  const parts: string[] = [];
  let current = '';
  let prev = '';
  for (const ch of s) {
    const upper = UPPER.test(ch);
    if (isSeparator(ch) || (upper && !UPPER.test(prev)) || (upper && isAcronym(current))) {
      keepPart(parts, current);
      current = ch;
    } else if (WORD_CHAR.test(ch)) {
      current += ch;
    } else {
      keepPart(parts, current);
      current = '';
    }
    prev = ch;
  }
  keepPart(parts, current);
  return parts;
}

function capitalize(s: string): string {
  const first = [...s][0];
  return first === undefined ? s : first.toUpperCase() + s.slice(first.length);
}

function replaceSuffix(original: string, suffix: string, replacement: string): string {
  return (
    (original.endsWith(suffix) ? original.slice(0, original.length - suffix.length) : original) + replacement
  );
}

/**
 * `flect.Pluralize(s)` of flect v1.0.3 (see the module comment for the algorithm). Pure; never throws.
 * Returns `""` for a string without word characters.
 */
export function flectPluralize(s: string): string {
  const parts = flectParts(s);
  const last = parts.at(-1);
  if (last === undefined) return '';
  const direct = singleToPlural.get(s);
  if (direct !== undefined) return replaceSuffix(s, s, direct);
  if (pluralToSingle.has(s)) return s;
  const lower = last.toLowerCase();
  if (pluralToSingle.has(lower)) return s;
  const irregular = singleToPlural.get(lower);
  if (irregular !== undefined) {
    return replaceSuffix(s, last, last === capitalize(last) ? capitalize(irregular) : irregular);
  }
  for (const rule of pluralRules) {
    if (!last.endsWith(rule.suffix)) continue;
    const inflected =
      rule.replacement === undefined
        ? last
        : last.slice(0, last.length - rule.suffix.length) + rule.replacement;
    return replaceSuffix(s, last, inflected);
  }
  return lower.endsWith('s') ? s : `${s}s`;
}

/**
 * The plural kro v0.9.3 uses for an instance CRD (`spec.names.plural`, and the first label of the CRD
 * name): `flect.Pluralize(strings.ToLower(kind))` (kro `pkg/graph/crd/crd.go`, kro-contract §6.1).
 * `kind` is ASCII for every RGD the RGD CRD admits (pattern `^[A-Z][a-zA-Z0-9]{0,62}$`); for other
 * input, JavaScript's `toLowerCase` stands in for Go's `strings.ToLower`.
 *
 * @example pluralizeKind('WebApp') === 'webapps'; pluralizeKind('Policy') === 'policies'
 */
export function pluralizeKind(kind: string): string {
  return flectPluralize(kind.toLowerCase());
}
