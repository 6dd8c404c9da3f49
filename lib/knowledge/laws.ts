import type { LawNamed } from '../document/schema';

/**
 * The laws and regulations a page names ("the Brazilian General Data Protection Law (LGPD)"), found in its extracted
 * text. Pure: text in, mentions out. Acronyms match in capitals only and as whole words (so "ccpa" in an address or
 * "dsa" inside a word is no mention); full names match in any case, across any white space. Where two names overlap
 * ("UK GDPR" holds "GDPR") the one that starts first, then the longer, wins.
 */
export interface Law {
  id: string;
  name: string;
  title: string;
  jurisdiction: string;
  /** acronyms and short names, matched case-sensitively as whole words */
  acronyms?: string[];
  /** full names, matched case-insensitively; a space stands for any run of white space */
  names?: string[];
}

export const LAWS: readonly Law[] = [
  { id: 'uk-gdpr', name: 'UK GDPR', title: 'UK General Data Protection Regulation', jurisdiction: 'UK',
    acronyms: ['UK GDPR', 'U.K. GDPR'], names: ['UK General Data Protection Regulation', 'United Kingdom General Data Protection Regulation'] },
  { id: 'gdpr', name: 'GDPR', title: 'General Data Protection Regulation (EU) 2016/679', jurisdiction: 'EU',
    acronyms: ['GDPR', 'EU GDPR', 'RGPD', 'DSGVO'], names: ['General Data Protection Regulation', 'Regulation (EU) 2016/679'] },
  { id: 'uk-dpa-2018', name: 'UK Data Protection Act 2018', title: 'Data Protection Act 2018', jurisdiction: 'UK',
    names: ['Data Protection Act 2018'] },
  { id: 'eprivacy', name: 'ePrivacy Directive', title: 'Directive 2002/58/EC on privacy and electronic communications', jurisdiction: 'EU',
    names: ['ePrivacy Directive', 'e-Privacy Directive', 'Directive 2002/58/EC', 'ePrivacy'] },
  { id: 'pecr', name: 'PECR', title: 'Privacy and Electronic Communications Regulations 2003', jurisdiction: 'UK',
    acronyms: ['PECR'], names: ['Privacy and Electronic Communications Regulations'] },
  { id: 'eu-dsa', name: 'Digital Services Act', title: 'Digital Services Act, Regulation (EU) 2022/2065', jurisdiction: 'EU',
    acronyms: ['DSA'], names: ['Digital Services Act', 'Regulation (EU) 2022/2065'] },
  { id: 'eu-dma', name: 'Digital Markets Act', title: 'Digital Markets Act, Regulation (EU) 2022/1925', jurisdiction: 'EU',
    names: ['Digital Markets Act'] },
  { id: 'eu-ai-act', name: 'EU AI Act', title: 'Artificial Intelligence Act, Regulation (EU) 2024/1689', jurisdiction: 'EU',
    names: ['AI Act', 'Artificial Intelligence Act'] },
  { id: 'eu-unfair-contract-terms-directive', name: 'Unfair Contract Terms Directive', title: 'Unfair Contract Terms Directive 93/13/EEC', jurisdiction: 'EU',
    names: ['Unfair Contract Terms Directive', 'Unfair Terms Directive', 'Directive 93/13/EEC'] },
  { id: 'eu-digital-content-directive', name: 'Digital Content Directive', title: 'Digital Content Directive (EU) 2019/770', jurisdiction: 'EU',
    names: ['Digital Content Directive', 'Directive (EU) 2019/770'] },
  { id: 'brussels-i-bis', name: 'Brussels I bis Regulation', title: 'Brussels I bis Regulation (EU) No 1215/2012', jurisdiction: 'EU',
    names: ['Brussels I bis', 'Brussels Ia', 'Regulation (EU) No 1215/2012', 'Regulation (EU) 1215/2012'] },
  { id: 'uk-online-safety-act', name: 'Online Safety Act', title: 'Online Safety Act 2023', jurisdiction: 'UK',
    names: ['Online Safety Act'] },
  { id: 'uk-consumer-rights-act', name: 'Consumer Rights Act 2015', title: 'Consumer Rights Act 2015', jurisdiction: 'UK',
    names: ['Consumer Rights Act'] },
  { id: 'uk-age-appropriate-design-code', name: 'Age Appropriate Design Code', title: 'Age Appropriate Design Code (Children\'s Code)', jurisdiction: 'UK',
    names: ['Age Appropriate Design Code', 'Age-Appropriate Design Code'] },
  { id: 'swiss-fadp', name: 'Swiss FADP', title: 'Swiss Federal Act on Data Protection', jurisdiction: 'CH',
    acronyms: ['FADP', 'revFADP', 'nFADP'], names: ['Federal Act on Data Protection'] },
  { id: 'ccpa-cpra', name: 'CCPA/CPRA', title: 'California Consumer Privacy Act, as amended by the California Privacy Rights Act', jurisdiction: 'US-CA',
    acronyms: ['CCPA', 'CPRA'], names: ['California Consumer Privacy Act', 'California Privacy Rights Act'] },
  { id: 'ca-shine-the-light', name: 'Shine the Light', title: 'California "Shine the Light" law (Civil Code §1798.83)', jurisdiction: 'US-CA',
    names: ['Shine the Light', 'Shine-the-Light'] },
  { id: 'caloppa', name: 'CalOPPA', title: 'California Online Privacy Protection Act', jurisdiction: 'US-CA',
    acronyms: ['CalOPPA', 'CALOPPA'], names: ['California Online Privacy Protection Act'] },
  { id: 'vcdpa', name: 'VCDPA', title: 'Virginia Consumer Data Protection Act', jurisdiction: 'US-VA',
    acronyms: ['VCDPA'], names: ['Virginia Consumer Data Protection Act'] },
  { id: 'colorado-privacy-act', name: 'Colorado Privacy Act', title: 'Colorado Privacy Act', jurisdiction: 'US-CO',
    names: ['Colorado Privacy Act'] },
  { id: 'ctdpa', name: 'CTDPA', title: 'Connecticut Data Privacy Act', jurisdiction: 'US-CT',
    acronyms: ['CTDPA'], names: ['Connecticut Data Privacy Act', 'Connecticut Act Concerning Personal Data Privacy and Online Monitoring'] },
  { id: 'ucpa', name: 'UCPA', title: 'Utah Consumer Privacy Act', jurisdiction: 'US-UT',
    acronyms: ['UCPA'], names: ['Utah Consumer Privacy Act'] },
  { id: 'tdpsa', name: 'TDPSA', title: 'Texas Data Privacy and Security Act', jurisdiction: 'US-TX',
    acronyms: ['TDPSA'], names: ['Texas Data Privacy and Security Act'] },
  { id: 'ocpa', name: 'Oregon Consumer Privacy Act', title: 'Oregon Consumer Privacy Act', jurisdiction: 'US-OR',
    names: ['Oregon Consumer Privacy Act'] },
  { id: 'mcdpa', name: 'Montana Consumer Data Privacy Act', title: 'Montana Consumer Data Privacy Act', jurisdiction: 'US-MT',
    names: ['Montana Consumer Data Privacy Act'] },
  { id: 'florida-digital-bill-of-rights', name: 'Florida Digital Bill of Rights', title: 'Florida Digital Bill of Rights', jurisdiction: 'US-FL', names: ['Florida Digital Bill of Rights'] },
  { id: 'nebraska-data-privacy-act', name: 'Nebraska Data Privacy Act', title: 'Nebraska Data Privacy Act', jurisdiction: 'US-NE', names: ['Nebraska Data Privacy Act'] },
  { id: 'iowa-consumer-data-protection-act', name: 'Iowa Consumer Data Protection Act', title: 'Iowa Consumer Data Protection Act', jurisdiction: 'US-IA', names: ['Iowa Consumer Data Protection Act'] },
  { id: 'delaware-personal-data-privacy-act', name: 'Delaware Personal Data Privacy Act', title: 'Delaware Personal Data Privacy Act', jurisdiction: 'US-DE', names: ['Delaware Personal Data Privacy Act'] },
  { id: 'new-jersey-data-privacy-act', name: 'New Jersey Data Privacy Act', title: 'New Jersey Data Privacy Act', jurisdiction: 'US-NJ', names: ['New Jersey Data Privacy Act'] },
  { id: 'tennessee-information-protection-act', name: 'Tennessee Information Protection Act', title: 'Tennessee Information Protection Act', jurisdiction: 'US-TN', names: ['Tennessee Information Protection Act'] },
  { id: 'minnesota-consumer-data-privacy-act', name: 'Minnesota Consumer Data Privacy Act', title: 'Minnesota Consumer Data Privacy Act', jurisdiction: 'US-MN', names: ['Minnesota Consumer Data Privacy Act'] },
  { id: 'maryland-online-data-privacy-act', name: 'Maryland Online Data Privacy Act', title: 'Maryland Online Data Privacy Act', jurisdiction: 'US-MD', names: ['Maryland Online Data Privacy Act'] },
  { id: 'indiana-consumer-data-protection-act', name: 'Indiana Consumer Data Protection Act', title: 'Indiana Consumer Data Protection Act', jurisdiction: 'US-IN', names: ['Indiana Consumer Data Protection Act'] },
  { id: 'kentucky-consumer-data-protection-act', name: 'Kentucky Consumer Data Protection Act', title: 'Kentucky Consumer Data Protection Act', jurisdiction: 'US-KY', names: ['Kentucky Consumer Data Protection Act'] },
  { id: 'rhode-island-data-transparency-and-privacy-protection-act', name: 'Rhode Island Data Transparency and Privacy Protection Act', title: 'Rhode Island Data Transparency and Privacy Protection Act', jurisdiction: 'US-RI', names: ['Rhode Island Data Transparency and Privacy Protection Act'] },
  { id: 'wa-my-health-my-data', name: 'My Health My Data Act', title: 'Washington My Health My Data Act', jurisdiction: 'US-WA',
    names: ['My Health My Data', 'My Health, My Data'] },
  { id: 'illinois-bipa', name: 'BIPA', title: 'Illinois Biometric Information Privacy Act', jurisdiction: 'US-IL',
    acronyms: ['BIPA'], names: ['Biometric Information Privacy Act'] },
  { id: 'texas-cubi', name: 'Texas CUBI', title: 'Texas Capture or Use of Biometric Identifier Act (Bus. & Com. Code §503.001)', jurisdiction: 'US-TX',
    acronyms: ['CUBI'], names: ['Capture or Use of Biometric Identifier'] },
  { id: 'coppa', name: 'COPPA', title: 'Children\'s Online Privacy Protection Act', jurisdiction: 'US',
    acronyms: ['COPPA'], names: ['Children\'s Online Privacy Protection Act', 'Children’s Online Privacy Protection Act', 'Childrens Online Privacy Protection Act'] },
  { id: 'hipaa', name: 'HIPAA', title: 'Health Insurance Portability and Accountability Act', jurisdiction: 'US',
    acronyms: ['HIPAA'], names: ['Health Insurance Portability and Accountability Act'] },
  { id: 'ferpa', name: 'FERPA', title: 'Family Educational Rights and Privacy Act', jurisdiction: 'US',
    acronyms: ['FERPA'], names: ['Family Educational Rights and Privacy Act'] },
  { id: 'glba', name: 'GLBA', title: 'Gramm-Leach-Bliley Act', jurisdiction: 'US',
    acronyms: ['GLBA'], names: ['Gramm-Leach-Bliley', 'Gramm Leach Bliley'] },
  { id: 'can-spam', name: 'CAN-SPAM Act', title: 'CAN-SPAM Act', jurisdiction: 'US',
    acronyms: ['CAN-SPAM', 'CAN SPAM'] },
  { id: 'vppa', name: 'Video Privacy Protection Act', title: 'Video Privacy Protection Act', jurisdiction: 'US',
    acronyms: ['VPPA'], names: ['Video Privacy Protection Act'] },
  { id: 'stored-communications-act', name: 'Stored Communications Act', title: 'Stored Communications Act (18 U.S.C. §2701 ff.)', jurisdiction: 'US',
    names: ['Stored Communications Act'] },
  { id: 'ecpa', name: 'ECPA', title: 'Electronic Communications Privacy Act', jurisdiction: 'US',
    acronyms: ['ECPA'], names: ['Electronic Communications Privacy Act'] },
  { id: 'federal-arbitration-act', name: 'Federal Arbitration Act', title: 'Federal Arbitration Act (9 U.S.C. §1 ff.)', jurisdiction: 'US',
    names: ['Federal Arbitration Act'] },
  { id: 'dmca', name: 'DMCA', title: 'Digital Millennium Copyright Act', jurisdiction: 'US',
    acronyms: ['DMCA'], names: ['Digital Millennium Copyright Act'] },
  { id: 'lgpd', name: 'LGPD', title: 'Lei Geral de Proteção de Dados (Brazil\'s General Data Protection Law)', jurisdiction: 'BR',
    acronyms: ['LGPD'], names: ['Lei Geral de Proteção de Dados', 'Lei Geral de Protecao de Dados', 'Brazilian General Data Protection Law', 'General Data Protection Law of Brazil', 'Law No. 13,709', 'Law No. 13.709'] },
  { id: 'pipeda', name: 'PIPEDA', title: 'Personal Information Protection and Electronic Documents Act', jurisdiction: 'CA',
    acronyms: ['PIPEDA'], names: ['Personal Information Protection and Electronic Documents Act'] },
  { id: 'quebec-law-25', name: 'Quebec Law 25', title: 'Quebec Act respecting the protection of personal information in the private sector (Law 25)', jurisdiction: 'CA-QC',
    names: ['Quebec Law 25', 'Québec Law 25', 'Act respecting the protection of personal information in the private sector'] },
  { id: 'appi', name: 'APPI', title: 'Act on the Protection of Personal Information (Japan)', jurisdiction: 'JP',
    acronyms: ['APPI'], names: ['Act on the Protection of Personal Information'] },
  { id: 'pipl', name: 'PIPL', title: 'Personal Information Protection Law of the People\'s Republic of China', jurisdiction: 'CN',
    acronyms: ['PIPL'], names: ['Personal Information Protection Law'] },
  { id: 'korea-pipa', name: 'PIPA (Korea)', title: 'Personal Information Protection Act (Republic of Korea)', jurisdiction: 'KR',
    names: ['Korean Personal Information Protection Act', 'Personal Information Protection Act of Korea', 'Personal Information Protection Act (Korea)'] },
  { id: 'australia-privacy-act', name: 'Australian Privacy Act', title: 'Privacy Act 1988 (Australia) and the Australian Privacy Principles', jurisdiction: 'AU',
    names: ['Privacy Act 1988', 'Australian Privacy Principles', 'Australian Privacy Act', 'Australia\'s Privacy Act', 'Australia’s Privacy Act'] },
  { id: 'nz-privacy-act', name: 'NZ Privacy Act 2020', title: 'Privacy Act 2020 (New Zealand)', jurisdiction: 'NZ',
    names: ['Privacy Act 2020'] },
  { id: 'popia', name: 'POPIA', title: 'Protection of Personal Information Act (South Africa)', jurisdiction: 'ZA',
    acronyms: ['POPIA', 'POPI Act'], names: ['Protection of Personal Information Act'] },
  { id: 'india-dpdp', name: 'DPDP Act', title: 'Digital Personal Data Protection Act, 2023 (India)', jurisdiction: 'IN',
    acronyms: ['DPDP Act'], names: ['Digital Personal Data Protection Act'] },
];

/** Letters and digits of Latin script (with the accented ones): what a name must not run into. */
const WORD = 'A-Za-z0-9\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const flexibleSpaces = (text: string) => escape(text).replace(/ /g, '\\s+');

/**
 * Two regexes for all laws (acronyms case-sensitive, names not), alternatives longest first so the longer name wins
 * at one start; the matched words, spaces collapsed, say which law it is. One scan per case, not one per law.
 */
interface Matcher {
  regex: RegExp;
  lawOf: Map<string, Law>;
  key: (words: string) => string;
}

function compile(laws: readonly Law[], field: 'acronyms' | 'names'): Matcher {
  const key = field === 'names' ? (words: string) => words.replace(/\s+/g, ' ').toLowerCase() : (words: string) => words.replace(/\s+/g, ' ');
  const lawOf = new Map<string, Law>();
  for (const law of laws) for (const words of law[field] ?? []) lawOf.set(key(words), law);
  const alternatives = [...lawOf.keys()].sort((a, b) => b.length - a.length).map(flexibleSpaces);
  // Letters, digits or a hyphen before, letters or digits after would make it part of another word ("DSAR", "x-GDPR").
  // Latin letters only, and no "u" flag: three times faster on a long policy, and every name is in Latin script.
  const source = `(?<![${WORD}-])(?:${alternatives.join('|')})(?![${WORD}]|-[${WORD}])`;
  return { regex: new RegExp(source, field === 'names' ? 'gi' : 'g'), lawOf, key };
}

const MATCHERS = [compile(LAWS, 'acronyms'), compile(LAWS, 'names')];

interface Mention {
  law: Law;
  start: number;
  end: number;
}

/** Every mention, overlaps resolved: first start wins, then the longer. */
function mentionsIn(text: string): Mention[] {
  const all: Mention[] = [];
  for (const { regex, lawOf, key } of MATCHERS) {
    for (const match of text.matchAll(regex)) {
      const law = lawOf.get(key(match[0]));
      if (law !== undefined) all.push({ law, start: match.index, end: match.index + match[0].length });
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Mention[] = [];
  for (const mention of all) {
    const last = kept[kept.length - 1];
    if (last !== undefined && mention.start < last.end) continue;
    kept.push(mention);
  }
  return kept;
}

/**
 * The laws the text names, in order of first mention, each with its first mention's words and offsets (into `text`)
 * and how many times it is named.
 */
export function lawsNamedIn(text: string): LawNamed[] {
  const byLaw = new Map<string, LawNamed>();
  for (const mention of mentionsIn(text)) {
    const held = byLaw.get(mention.law.id);
    if (held !== undefined) {
      held.mentions++;
      continue;
    }
    const { id, name, title, jurisdiction } = mention.law;
    byLaw.set(id, {
      id, name, title, jurisdiction,
      quote: text.slice(mention.start, mention.end).replace(/\s+/g, ' '),
      start: mention.start,
      end: mention.end,
      mentions: 1,
    });
  }
  return [...byLaw.values()];
}

/** The ids of the laws a short name refers to: "GDPR Art. 21" → gdpr, "UK GDPR Art. 21" → uk-gdpr. */
export function lawIdsOf(name: string): string[] {
  let ids = idsByName.get(name);
  if (ids === undefined) {
    ids = [...new Set(mentionsIn(name).map((mention) => mention.law.id))];
    // Rule names come from the dataset, a few dozen of them: remembered, not recomputed for every clause.
    if (idsByName.size < 1000) idsByName.set(name, ids);
  }
  return ids;
}
const idsByName = new Map<string, string[]>();
