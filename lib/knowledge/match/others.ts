import type { ClauseShape, KnownClause } from '../dataset/schema';

/** "How other platforms handle this": one recorded clause per platform, its shape in plain words. */
export interface OtherPlatform {
  platform: string;
  /** "opt-out, no exceptions", "opt-out with 2 exceptions", "no opt-out", "only with consent" */
  shape: string;
  knownClauseId: string;
  recordedAt: string;
}

export const MAX_OTHERS = 8;

export function shapeWords(shape: ClauseShape): string {
  const exceptions = shape.exceptions.length;
  const withExceptions = exceptions === 0 ? '' : ` with ${exceptions} exception${exceptions === 1 ? '' : 's'}`;
  if (shape.default === 'only-if-opt-in') return `only with consent${withExceptions}`;
  if (shape.optOut) return exceptions === 0 ? 'opt-out, no exceptions' : `opt-out${withExceptions}`;
  return 'no opt-out';
}

/** How much a shape tells a reader: a clause that offers an opt-out (with its exceptions) is the most telling. */
function telling(shape: ClauseShape): number {
  if (shape.optOut) return 2 + shape.exceptions.length;
  return shape.default === 'only-if-opt-in' ? 1 : 0;
}

/**
 * One clause per platform (the most telling one each records), platforms ordered so the list shows every shape
 * present before repeating one, at most MAX_OTHERS. Deterministic: the order follows the dataset's.
 */
export function othersFor(clauses: readonly KnownClause[], exceptPlatform: string | null): OtherPlatform[] {
  const perPlatform = new Map<string, KnownClause>();
  for (const clause of clauses) {
    if (clause.platform === exceptPlatform) continue;
    const held = perPlatform.get(clause.platform);
    if (held === undefined || telling(clause.shape) > telling(held.shape)) perPlatform.set(clause.platform, clause);
  }
  const byShape = new Map<string, KnownClause[]>();
  for (const clause of perPlatform.values()) {
    const words = shapeWords(clause.shape);
    byShape.set(words, [...(byShape.get(words) ?? []), clause]);
  }
  const queues = [...byShape.values()];
  const picked: KnownClause[] = [];
  while (picked.length < MAX_OTHERS && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next !== undefined && picked.length < MAX_OTHERS) picked.push(next);
    }
  }
  return picked.map((clause) => ({
    platform: clause.platform,
    shape: shapeWords(clause.shape),
    knownClauseId: clause.id,
    recordedAt: clause.recordedAt,
  }));
}
