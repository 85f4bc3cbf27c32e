/**
 * The teacher tokens this browser remembers, one per class under
 * `neural-journey/teacher/<code>`, so reloading `/teacher.html#<code>` reopens the class. The
 * server keeps only a hash of the token: lose it and the class's report cannot be opened.
 */
import { CODE_PATTERN } from '../server/api.js';

const PREFIX = 'neural-journey/teacher/';

/** The remembered token of a class, or null (also when storage is blocked). */
export function loadToken(code: string): string | null {
  try {
    return localStorage.getItem(PREFIX + code);
  } catch {
    return null;
  }
}

/** Remembers a class's token; false when the browser refuses storage (private mode, say). */
export function saveToken(code: string, token: string): boolean {
  try {
    localStorage.setItem(PREFIX + code, token);
    return true;
  } catch {
    return false;
  }
}

export function forgetToken(code: string): void {
  try {
    localStorage.removeItem(PREFIX + code);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/** The codes of every class this browser holds a token for, sorted. */
export function rememberedCodes(): string[] {
  const codes: string[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(PREFIX) && CODE_PATTERN.test(key.slice(PREFIX.length))) {
        codes.push(key.slice(PREFIX.length));
      }
    }
  } catch {
    // Storage blocked: no remembered classes.
  }
  return codes.sort();
}
