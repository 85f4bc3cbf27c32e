/**
 * The real data sets shipped with the game, from the JSON assets `scripts/convert-datasets.mjs`
 * writes into `data/` (provenance and licences: `data/PROVENANCE.md`). The `with { type: 'json' }`
 * attribute is what lets the same import work in Vite, in Vitest and in Node's ESM loader (the
 * command line compiled by `tsc -p tsconfig.node.json`).
 */
import breastCancerAsset from '../../data/breast-cancer.json' with { type: 'json' };
import diabetesAsset from '../../data/diabetes.json' with { type: 'json' };
import irisAsset from '../../data/iris.json' with { type: 'json' };
import { DataError, type Task } from './dataset.js';
import type { Table } from './split.js';

/** Names of the bundled real data sets, as used in level files. */
export type BundledName = 'iris' | 'breast-cancer' | 'diabetes';

/** A bundled table plus the attribution the UI must show next to it. */
export interface BundledTable extends Table {
  readonly source: string;
  readonly licence: string;
}

/**
 * What each asset must contain. Checked when the set is first used, so a corrupted or
 * hand-edited asset fails with a message naming the field instead of training on garbage.
 */
export const BUNDLED_SHAPES: Readonly<
  Record<BundledName, { readonly task: Task; readonly rows: number; readonly inputs: number; readonly classes?: number }>
> = Object.freeze({
  iris: { task: 'multiclass', rows: 150, inputs: 4, classes: 3 },
  'breast-cancer': { task: 'binary', rows: 569, inputs: 30, classes: 2 },
  diabetes: { task: 'regression', rows: 442, inputs: 10 },
});

/** Bundled names in menu order (used in error messages that list the allowed names). */
export const BUNDLED_NAMES: readonly BundledName[] = Object.freeze(
  Object.keys(BUNDLED_SHAPES) as BundledName[],
);

const ASSETS: Record<BundledName, unknown> = {
  iris: irisAsset,
  'breast-cancer': breastCancerAsset,
  diabetes: diabetesAsset,
};

/** Type guard used by `makeDataset` to tell bundled names from generator names. */
export function isBundledName(name: string): name is BundledName {
  return Object.prototype.hasOwnProperty.call(BUNDLED_SHAPES, name);
}

// Validated tables, built once: the Float32Array conversion and the checks are not free for
// breast cancer (17k values), and `buildDataset` copies rows out, so sharing is safe.
const cache = new Map<BundledName, BundledTable>();

/**
 * The whole bundled set `name` as a validated table (all rows, unsplit, unstandardised). Called
 * by `makeDataset`; exported for data-inspection screens that show the raw rows.
 */
export function bundledTable(name: BundledName): BundledTable {
  let table = cache.get(name);
  if (!table) {
    if (!isBundledName(name)) {
      throw new DataError(`unknown bundled data set "${String(name)}"; bundled sets: ${BUNDLED_NAMES.join(', ')}`);
    }
    table = validateAsset(name, ASSETS[name]);
    cache.set(name, table);
  }
  return table;
}

/**
 * The table with only the named feature columns, in the order given: how a level shows a real
 * data set on a plane (two measurements) instead of in thirty dimensions. `undefined` keeps every
 * column. Unknown or repeated names are a DataError that lists the set's feature names.
 */
export function selectFeatures(table: BundledTable, features?: readonly string[]): BundledTable {
  if (features === undefined) return table;
  const known = table.featureNames;
  const bad = features.find((f, i) => !known.includes(f) || features.indexOf(f) !== i);
  if (features.length === 0 || bad !== undefined) {
    const what = features.length === 0 ? 'is empty' : `has ${JSON.stringify(bad?.slice(0, 60))}`;
    throw new DataError(
      `${table.name}: option "features" ${what}; it must list distinct feature names of ${table.name}: ${known.join(', ')}`,
    );
  }
  const columns = features.map((f) => known.indexOf(f));
  const x = new Float32Array(table.n * columns.length);
  for (let r = 0; r < table.n; r++) {
    columns.forEach((c, j) => (x[r * columns.length + j] = table.x[r * table.inputs + c]!));
  }
  return { ...table, inputs: columns.length, featureNames: [...features], x };
}

function validateAsset(name: BundledName, asset: unknown): BundledTable {
  const shape = BUNDLED_SHAPES[name];
  const bad = (field: string, what: string): DataError =>
    new DataError(`bundled asset data/${name}.json: "${field}" ${what}`);
  if (typeof asset !== 'object' || asset === null) throw bad('(root)', 'must be an object');
  const a = asset as Record<string, unknown>;

  const text = (field: string): string => {
    const v = a[field];
    if (typeof v !== 'string' || v === '') throw bad(field, 'must be a non-empty string');
    return v;
  };
  const strings = (field: string, length: number): string[] => {
    const v = a[field];
    if (!Array.isArray(v) || v.length !== length || !v.every((s) => typeof s === 'string' && s !== '')) {
      throw bad(field, `must be an array of ${length} non-empty strings`);
    }
    return v as string[];
  };
  const numbers = (field: string, length: number): Float32Array => {
    const v = a[field];
    if (!Array.isArray(v) || v.length !== length) {
      throw bad(field, `must be an array of ${length} numbers, got ${Array.isArray(v) ? v.length : typeof v}`);
    }
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw bad(`${field}[${i}]`, 'must be a finite number');
      out[i] = x;
    }
    return out;
  };

  if (text('name') !== name) throw bad('name', `must be "${name}"`);
  if (text('task') !== shape.task) throw bad('task', `must be "${shape.task}"`);
  const featureNames = strings('featureNames', shape.inputs);
  const targetName = text('targetName');
  const x = numbers('x', shape.rows * shape.inputs);
  const y = numbers('y', shape.rows);
  let classNames: string[] | undefined;
  if (shape.classes !== undefined) {
    classNames = strings('classNames', shape.classes);
    for (let i = 0; i < y.length; i++) {
      if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= shape.classes) {
        throw bad(`y[${i}]`, `must be a class index 0..${shape.classes - 1}, got ${y[i]}`);
      }
    }
  }
  return {
    name,
    task: shape.task,
    inputs: shape.inputs,
    outputs: shape.task === 'multiclass' ? shape.classes! : 1,
    featureNames,
    targetName,
    ...(classNames ? { classNames } : {}),
    x,
    y,
    n: shape.rows,
    source: text('source'),
    licence: text('licence'),
  };
}
