import { ANNO_CONTEXT } from '../../lib/export/web-annotation';

/**
 * The W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/) as assertions on an exported
 * AnnotationCollection: each MUST, and each SHOULD that applies to software-made annotations of a text. Returns the
 * problems found, "MUST …" or "SHOULD …" with where; an empty list means the export meets them all.
 */
type Json = Record<string, unknown>;

const IRI = /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i;
/** xsd:dateTime in UTC with "Z", as §3.3.1 recommends for created and generated. */
const UTC_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const AGENT_TYPES = ['Person', 'Organization', 'Software'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function types(value: Json): string[] {
  const type = value.type;
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}
function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** §3.3.2 Agents: an IRI, a type among Person, Organization and Software, and a name. */
function agentProblems(agent: unknown, where: string, problems: string[]): void {
  if (!isObject(agent)) {
    if (typeof agent !== 'string' || !IRI.test(agent)) problems.push(`SHOULD ${where}: an agent is an IRI or an object`);
    return;
  }
  if (typeof agent.id !== 'string' || !IRI.test(agent.id)) problems.push(`SHOULD ${where}.id: the agent has an IRI`);
  if (!types(agent).some((type) => AGENT_TYPES.includes(type))) problems.push(`SHOULD ${where}.type: Person, Organization or Software`);
  if (typeof agent.name !== 'string' || agent.name === '') problems.push(`SHOULD ${where}.name: exactly one name`);
}

/** §3.3.1: exactly one creator and one created (UTC) — on an Annotation and on each Body. */
function lifecycleProblems(resource: Json, where: string, problems: string[]): void {
  if (resource.creator === undefined || Array.isArray(resource.creator)) problems.push(`SHOULD ${where}.creator: exactly one`);
  else agentProblems(resource.creator, `${where}.creator`, problems);
  if (typeof resource.created !== 'string' || !UTC_DATE_TIME.test(resource.created)) {
    problems.push(`SHOULD ${where}.created: exactly one xsd:dateTime in UTC`);
  }
}

function selectorProblems(selector: unknown, where: string, problems: string[]): void {
  if (!isObject(selector)) return void problems.push(`MUST ${where}: a selector is an object`);
  const [type] = types(selector);
  if (type === 'TextQuoteSelector') {
    // §4.2.4: exactly one exact; prefix and suffix at most one each.
    if (typeof selector.exact !== 'string' || selector.exact === '') problems.push(`MUST ${where}.exact: exactly one, the selected text`);
    for (const key of ['prefix', 'suffix']) {
      if (selector[key] !== undefined && typeof selector[key] !== 'string') problems.push(`MUST ${where}.${key}: at most one string`);
    }
  } else if (type === 'TextPositionSelector') {
    // §4.2.5: exactly one start and one end, non-negative integers; the end is not before the start.
    if (!isNonNegativeInteger(selector.start)) problems.push(`MUST ${where}.start: a non-negative integer`);
    if (!isNonNegativeInteger(selector.end)) problems.push(`MUST ${where}.end: a non-negative integer`);
    if ((selector.end as number) < (selector.start as number)) problems.push(`MUST ${where}: end before start`);
  } else {
    problems.push(`MUST ${where}.type: a selector type the export does not make (${String(type)})`);
  }
}

function annotationProblems(annotation: unknown, where: string, problems: string[]): void {
  if (!isObject(annotation)) return void problems.push(`MUST ${where}: an Annotation is an object`);
  // §3.1
  if (typeof annotation.id !== 'string' || !IRI.test(annotation.id)) problems.push(`MUST ${where}.id: exactly one IRI`);
  if (!types(annotation).includes('Annotation')) problems.push(`MUST ${where}.type: includes Annotation`);
  if (annotation.body !== undefined && annotation.bodyValue !== undefined) problems.push(`MUST ${where}: not both body and bodyValue`);
  const bodies = annotation.body === undefined ? [] : Array.isArray(annotation.body) ? annotation.body : [annotation.body];
  if (bodies.length === 0) problems.push(`SHOULD ${where}.body: one or more`);
  lifecycleProblems(annotation, where, problems);
  if (annotation.generator !== undefined) agentProblems(annotation.generator, `${where}.generator`, problems);
  if (annotation.generated !== undefined && !UTC_DATE_TIME.test(String(annotation.generated))) {
    problems.push(`SHOULD ${where}.generated: an xsd:dateTime in UTC`);
  }
  bodies.forEach((body, index) => {
    const at = `${where}.body[${index}]`;
    if (!isObject(body)) return void problems.push(`MUST ${at}: a body is an object or an IRI`);
    // §3.2.4 TextualBody
    if (!types(body).includes('TextualBody')) problems.push(`SHOULD ${at}.type: TextualBody`);
    if (typeof body.value !== 'string') problems.push(`MUST ${at}.value: exactly one string`);
    if (typeof body.format !== 'string') problems.push(`SHOULD ${at}.format: exactly one media type`);
    if (typeof body.language !== 'string' || !/^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$/.test(body.language)) {
      problems.push(`SHOULD ${at}.language: exactly one BCP 47 tag`);
    }
    lifecycleProblems(body, at, problems);
  });
  const targets = annotation.target === undefined ? [] : Array.isArray(annotation.target) ? annotation.target : [annotation.target];
  if (targets.length === 0) problems.push(`MUST ${where}.target: one or more`);
  targets.forEach((target, index) => {
    const at = `${where}.target[${index}]`;
    if (typeof target === 'string') return;
    if (!isObject(target)) return void problems.push(`MUST ${at}: an IRI or an object`);
    // §4 SpecificResource: exactly one source, an IRI; selectors as above.
    if (!types(target).includes('SpecificResource')) problems.push(`SHOULD ${at}.type: SpecificResource`);
    if (typeof target.source !== 'string' || !IRI.test(target.source)) problems.push(`MUST ${at}.source: exactly one IRI`);
    const selectors = Array.isArray(target.selector) ? target.selector : target.selector === undefined ? [] : [target.selector];
    selectors.forEach((selector, i) => selectorProblems(selector, `${at}.selector[${i}]`, problems));
  });
}

export function annotationModelProblems(collection: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(collection)) return ['MUST: the collection is an object'];
  // §5.1 AnnotationCollection
  if (collection['@context'] !== ANNO_CONTEXT) problems.push(`MUST @context: ${ANNO_CONTEXT}, as a string when it is the only one`);
  if (typeof collection.id !== 'string' || !IRI.test(collection.id)) problems.push('MUST collection.id: exactly one IRI');
  if (!types(collection).includes('AnnotationCollection')) problems.push('MUST collection.type: includes AnnotationCollection');
  if (typeof collection.label !== 'string' || collection.label === '') problems.push('SHOULD collection.label: a label');
  if (!isNonNegativeInteger(collection.total)) problems.push('SHOULD collection.total: a non-negative integer');
  if (collection.creator !== undefined) agentProblems(collection.creator, 'collection.creator', problems);
  if (collection.generator !== undefined) agentProblems(collection.generator, 'collection.generator', problems);
  const total = (collection.total as number) ?? 0;
  if (total > 0 && collection.first === undefined) problems.push('SHOULD collection.first: the first page, when there are annotations');
  if (total > 0 && collection.last === undefined) problems.push('SHOULD collection.last: the last page, when there are annotations');
  const first = collection.first;
  if (!isObject(first)) return problems;
  // §5.2 AnnotationPage
  if (typeof first.id !== 'string' || !IRI.test(first.id)) problems.push('MUST page.id: exactly one IRI');
  if (!types(first).includes('AnnotationPage')) problems.push('MUST page.type: includes AnnotationPage');
  const partOf = isObject(first.partOf) ? first.partOf.id : first.partOf;
  if (partOf !== collection.id) problems.push('SHOULD page.partOf: the collection it belongs to');
  if (!isNonNegativeInteger(first.startIndex)) problems.push('SHOULD page.startIndex: a non-negative integer');
  const lastId = isObject(collection.last) ? collection.last.id : collection.last;
  // A single page is the first and the last: no next page; otherwise the first page points at the next.
  if (lastId === first.id && first.next !== undefined) problems.push('MUST page.next: none after the last page');
  if (lastId !== first.id && first.next === undefined) problems.push('SHOULD page.next: the next page, when it is not the last');
  if (!Array.isArray(first.items)) return [...problems, 'MUST page.items: a list of annotations'];
  if (lastId === first.id && first.items.length !== total) problems.push('SHOULD collection.total: the number of annotations');
  first.items.forEach((item, index) => annotationProblems(item, `items[${index}]`, problems));
  return problems;
}
