import raw from './provisions.json';
import { DatasetSchema, type Dataset } from './schema';
import { ProvisionMatcher } from '../match/matcher';

/** The bundled dataset, validated once at load: a broken file fails loudly rather than matching wrongly. */
let matcher: ProvisionMatcher | null = null;

export function bundledDataset(): Dataset {
  return DatasetSchema.parse(raw);
}

export function bundledMatcher(): ProvisionMatcher {
  matcher ??= new ProvisionMatcher(bundledDataset());
  return matcher;
}
