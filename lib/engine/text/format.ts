/** Small wording helpers shared by every part that writes for a person (engine, exports, background, popup). */

/** "opt-out" → "Opt-out" */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "1 exception", "2 exceptions"; `many` for irregular plurals. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What went wrong, in the error's own words; `fallback` when it has none. */
export function errorText(error: unknown, fallback?: string): string {
  return error instanceof Error && error.message ? error.message : fallback ?? String(error);
}
