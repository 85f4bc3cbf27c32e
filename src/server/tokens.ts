/**
 * Tokens and join codes: 32 random bytes (base64url) for a teacher or a student, kept only as
 * their SHA-256; six characters from an alphabet without look-alikes for a class.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH } from './api.js';
import { sha256Hex } from './version.js';

/** What a token looks like: 43 base64url characters (32 bytes). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
