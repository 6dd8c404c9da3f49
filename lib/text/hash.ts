import { normalizeWhitespace } from './normalize';

/** SHA-256 as lowercase hex, from the platform's SubtleCrypto (browser and Node 20 alike). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The hash every clause and known clause is identified by: SHA-256 of the whitespace-normalized text. */
export function normalizedSha256(text: string): Promise<string> {
  return sha256Hex(normalizeWhitespace(text));
}
