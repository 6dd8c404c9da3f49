import { normalizeWhitespace } from './normalize';

/** SHA-256 as lowercase hex, from the platform's SubtleCrypto (browser and Node 20 alike). */
export async function subtleSha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

let implementation: (text: string) => Promise<string> | string = subtleSha256Hex;

/**
 * Lets a host swap in its own SHA-256 (the CLI uses Node's synchronous one: SubtleCrypto's round trip per clause
 * is most of a batch's idle time). Same function, same output; tests compare the two.
 */
export function useSha256Implementation(hash: (text: string) => Promise<string> | string): void {
  implementation = hash;
}

export async function sha256Hex(text: string): Promise<string> {
  return implementation(text);
}

/** The hash every clause and known clause is identified by: SHA-256 of the whitespace-normalized text. */
export function normalizedSha256(text: string): Promise<string> {
  return sha256Hex(normalizeWhitespace(text));
}
