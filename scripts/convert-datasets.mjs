#!/usr/bin/env node
/**
 * Converts the real data sets the levels use from the shared source folder (scikit-learn's copies,
 * via Debian's python3-sklearn) into the compact JSON assets under `data/` that
 * `src/data/bundled.ts` imports. The game ships only these assets, never the source folder.
 *
 * Usage (from the repository root):
 *   node scripts/convert-datasets.mjs [sourceDir]          write data/*.json
 *   node scripts/convert-datasets.mjs --check [sourceDir]  exit 1 if data/*.json are out of date
 * sourceDir defaults to ../shared/datasets/uci (relative to the repository root).
 *
 * Asset format (one line of JSON): {name, task, featureNames, targetName, classNames?, x, y,
 * source, licence} with x flat row-major [n, features] and y [n] (class index or target value).
 * Numbers are written with JavaScript's shortest round-trip decimal text, so "101.0" becomes 101
 * and "1.510000000000000000e+02" becomes 151, but no value changes.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const sourceDir = resolve(root, args.find((a) => !a.startsWith('--')) ?? '../shared/datasets/uci');
const outDir = join(root, 'data');

function fail(message) {
  console.error(`convert-datasets: ${message}`);
  process.exit(1);
}

function readText(file) {
  const path = join(sourceDir, file);
  if (!existsSync(path)) fail(`${path} not found (pass the source folder as an argument)`);
  const bytes = readFileSync(path);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Strict decimal parse; the sources are clean, so anything else is a format change to look at. */
function number(text, where) {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text))
    fail(`${where}: "${text}" is not a number`);
  const v = Number(text);
  if (!Number.isFinite(v)) fail(`${where}: "${text}" is not finite`);
  return v;
}

function lines(text) {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/**
 * scikit-learn's classification CSV: first line "n_samples,n_features,class names...", then rows
 * of n_features values and an integer class index.
 */
function sklearnClassification(file) {
  const [header, ...rows] = lines(readText(file));
  const [nText, fText, ...classNames] = header.split(',');
  const n = number(nText, `${file} line 1`);
  const features = number(fText, `${file} line 1`);
  if (rows.length !== n) fail(`${file}: header says ${n} rows, found ${rows.length}`);
  const x = [];
  const y = [];
  rows.forEach((row, r) => {
    const cells = row.split(',');
    const where = `${file} line ${r + 2}`;
    if (cells.length !== features + 1)
      fail(`${where}: ${cells.length} fields, expected ${features + 1}`);
    for (let j = 0; j < features; j++) x.push(number(cells[j].trim(), `${where} column ${j + 1}`));
    const label = number(cells[features].trim(), `${where} label`);
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) {
      fail(`${where}: label ${label} is not a class index 0..${classNames.length - 1}`);
    }
    y.push(label);
  });
  return { features, classNames: classNames.map((c) => c.trim()), x, y };
}

function iris() {
  const d = sklearnClassification('iris.csv');
  return {
    name: 'iris',
    task: 'multiclass',
    // scikit-learn's feature names (load_iris().feature_names).
    featureNames: [
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
    ],
    targetName: 'species',
    classNames: d.classNames,
    x: d.x,
    y: d.y,
    source:
      "Iris plants (Fisher 1936), UCI Machine Learning Repository, as distributed with scikit-learn (sklearn/datasets/data/iris.csv) in Debian's python3-sklearn; scikit-learn's copy follows Fisher's paper, not UCI's two erroneous points",
    licence: 'CC BY 4.0 (UCI Machine Learning Repository)',
  };
}

const CANCER_MEASURES = [
  'radius',
  'texture',
  'perimeter',
  'area',
  'smoothness',
  'compactness',
  'concavity',
  'concave points',
  'symmetry',
  'fractal dimension',
];

function breastCancer() {
  const d = sklearnClassification('breast_cancer.csv');
  return {
    name: 'breast-cancer',
    task: 'binary',
    // scikit-learn's feature names (load_breast_cancer().feature_names): mean, error, worst.
    featureNames: [
      ...CANCER_MEASURES.map((m) => `mean ${m}`),
      ...CANCER_MEASURES.map((m) => `${m} error`),
      ...CANCER_MEASURES.map((m) => `worst ${m}`),
    ],
    targetName: 'diagnosis',
    classNames: d.classNames,
    x: d.x,
    y: d.y,
    source:
      "Breast Cancer Wisconsin (Diagnostic), Wolberg, Street & Mangasarian 1995, UCI Machine Learning Repository, as distributed with scikit-learn (sklearn/datasets/data/breast_cancer.csv) in Debian's python3-sklearn",
    licence: 'CC BY 4.0 (UCI Machine Learning Repository)',
  };
}

function diabetes() {
  // Unscaled values ("raw"): the loader standardises with training-split statistics itself.
  const rows = lines(readText('diabetes_data_raw.csv.gz'));
  const targets = lines(readText('diabetes_target.csv.gz'));
  if (rows.length !== 442 || targets.length !== 442) {
    fail(`diabetes: expected 442 rows and targets, found ${rows.length} and ${targets.length}`);
  }
  const x = [];
  rows.forEach((row, r) => {
    const cells = row.trim().split(/\s+/);
    if (cells.length !== 10)
      fail(`diabetes_data_raw line ${r + 1}: ${cells.length} fields, expected 10`);
    cells.forEach((c, j) => x.push(number(c, `diabetes_data_raw line ${r + 1} column ${j + 1}`)));
  });
  const y = targets.map((t, r) => number(t.trim(), `diabetes_target line ${r + 1}`));
  return {
    name: 'diabetes',
    task: 'regression',
    // scikit-learn's feature names; s1..s6 are blood serum measurements (see PROVENANCE.md).
    featureNames: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'],
    targetName: 'disease progression after one year',
    x,
    y,
    source:
      'Diabetes data of Efron, Hastie, Johnstone & Tibshirani (2004) "Least Angle Regression", Annals of Statistics 32(2), https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html, unscaled copy distributed with scikit-learn (diabetes_data_raw.csv.gz, diabetes_target.csv.gz) in Debian\'s python3-sklearn',
    licence: 'BSD-3-Clause (scikit-learn)',
  };
}

const assets = {
  'iris.json': iris(),
  'breast-cancer.json': breastCancer(),
  'diabetes.json': diabetes(),
};
let stale = 0;
for (const [file, asset] of Object.entries(assets)) {
  const text = `${JSON.stringify(asset)}\n`;
  const path = join(outDir, file);
  const rows = asset.y.length;
  if (check) {
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (!same) stale++;
    console.log(`${same ? 'up to date' : 'OUT OF DATE'}  data/${file}`);
  } else {
    writeFileSync(path, text);
    console.log(
      `wrote data/${file}: ${rows} rows x ${asset.featureNames.length} features, ${text.length} bytes`,
    );
  }
}
if (stale > 0)
  fail(`${stale} asset(s) differ from the sources: run node scripts/convert-datasets.mjs`);
