import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The request header that must carry the token on a cancel. */
export const TOKEN_HEADER = 'x-dashboard-token';
/** 256 bits: not guessable within any number of requests a server would answer. */
const TOKEN_BYTES = 32;

/**
 * A fresh random token for one dashboard server; only its page learns it.
 *
 * @remarks The page is the only place the token is written, and another site's page cannot
 * read it (the same-origin policy), so a request carrying it came from the dashboard page.
 */
export function createCancelToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Whether `given` (a header's value) is `expected`, in time that does not depend on where
 * they differ.
 *
 * @remarks Both are hashed first: `timingSafeEqual` needs equal lengths, and comparing lengths
 * directly would tell an attacker the token's length.
 */
export function isTokenValid(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string' || given === '') return false;
  return timingSafeEqual(digest(expected), digest(given));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
