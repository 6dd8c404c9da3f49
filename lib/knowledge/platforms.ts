import { z } from 'zod';
import { SeveritySchema } from '../document/schema';
import { DEFAULT_REGIMES, MECHANISMS } from '../engine/model/topics';
import type { Dataset } from './dataset/schema';

/**
 * What the dataset knows about the platform a page belongs to, for pages that are not its policy (its app, its home
 * page): the recorded clauses of its policies, one line per provision, with the default, the opt-out, the
 * exceptions and a link to the policy. Matched by the page's host, so the popup needs no access to the page itself.
 */

const httpUrl = z.string().max(2048).refine((value) => /^https?:\/\//i.test(value), 'an http(s) address');

export const KnownPlatformClauseSchema = z.object({
  /** the known clause's id */
  id: z.string(),
  provision: z.string(),
  severity: SeveritySchema,
  /** a promise ("does not sell") is never a concern */
  polarity: z.enum(['practice', 'promise', 'mixed']),
  default: z.enum(DEFAULT_REGIMES),
  /** how to opt out, when the policy offers it */
  optOut: z.enum(MECHANISMS).nullable(),
  exceptions: z.array(z.string()),
  documentTitle: z.string(),
  url: httpUrl,
  recordedAt: z.string(),
});
export type KnownPlatformClause = z.infer<typeof KnownPlatformClauseSchema>;

export const KnownPlatformSchema = z.object({
  name: z.string(),
  /** the dataset host the page matched ("anthropic.com" for www.anthropic.com) */
  host: z.string(),
  /** the platform's recorded policies, each once */
  documents: z.array(z.object({ title: z.string(), url: httpUrl, recordedAt: z.string() })),
  clauses: z.array(KnownPlatformClauseSchema),
  datasetVersion: z.string(),
});
export type KnownPlatform = z.infer<typeof KnownPlatformSchema>;

/** The page's host, lower case, without a trailing dot; null for anything but http(s). */
export function hostOf(url: string): string | null {
  // Most pages the CLI reads have no address at all: no URL to build (a failed parse throws, which is slow).
  if (!/^https?:/i.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.hostname.toLowerCase().replace(/\.$/, '');
}

/** Does `host` lie on `known` (the host itself or a subdomain of it)? */
function onHost(host: string, known: string): boolean {
  return host === known || host.endsWith(`.${known}`);
}

/** Sorted so what matters most comes first: practices by severity, offers of an opt-out, promises last. */
const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;
function rank(clause: KnownPlatformClause): number {
  const promise = clause.polarity === 'promise' ? 10 : 0;
  return promise + SEVERITY_RANK[clause.severity] * 2 + (clause.optOut === null ? 1 : 0);
}

/**
 * The platform whose pages live on the page's host, with what the dataset recorded of it; null when none. The most
 * specific host wins (gemini.google.com before a platform on google.com).
 */
export function knownPlatformFor(url: string, dataset: Dataset): KnownPlatform | null {
  const host = hostOf(url);
  if (host === null) return null;
  let best: { name: string; host: string } | null = null;
  for (const platform of dataset.platforms) {
    for (const known of platform.hosts) {
      if (onHost(host, known) && (best === null || known.length > best.host.length)) best = { name: platform.name, host: known };
    }
  }
  if (best === null) return null;
  const types = new Map(dataset.types.map((type) => [type.id, type]));
  const recorded = dataset.clauses.filter((clause) => clause.platform === best.name);
  const documents = new Map<string, KnownPlatform['documents'][number]>();
  for (const clause of recorded) {
    if (!documents.has(clause.url)) documents.set(clause.url, { title: clause.documentTitle, url: clause.url, recordedAt: clause.recordedAt });
  }
  const clauses = recorded.flatMap((clause): KnownPlatformClause[] => {
    const type = types.get(clause.provisionType);
    if (type === undefined) return [];
    return [{
      id: clause.id,
      provision: type.title,
      severity: type.severity,
      polarity: clause.polarity,
      default: clause.shape.default,
      optOut: clause.shape.optOut ? clause.shape.mechanism : null,
      exceptions: clause.shape.exceptions,
      documentTitle: clause.documentTitle,
      url: clause.url,
      recordedAt: clause.recordedAt,
    }];
  });
  clauses.sort((a, b) => rank(a) - rank(b));
  return { name: best.name, host: best.host, documents: [...documents.values()], clauses, datasetVersion: dataset.version };
}
