/**
 * The CSV loader: format details (quotes, line endings, blank lines), target choice, task
 * inference, and one test per rejection checking that the message names line/column and what
 * is allowed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CLASSES,
  MAX_CSV_CELLS,
  MAX_CSV_COLUMNS,
  MAX_CSV_ROWS,
  parseCsv,
  type CsvOptions,
} from '../../src/data/csv.js';
import { DataError } from '../../src/data/dataset.js';
import { makeCsvDataset, makeDataset } from '../../src/data/index.js';
import { LIMITS } from '../../src/engine/limits.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await loadKernelModule();
});

const FLOWERS = [
  'sepal length,sepal width,petal width,species',
  '5.1,3.5,0.2,setosa',
  '7.0,3.2,1.4,versicolor',
  '6.3,3.3,2.5,virginica',
  '4.9,3.0,0.2,setosa',
  '6.4,3.2,1.5,versicolor',
  '5.8,2.7,1.9,virginica',
].join('\n');

/** Rows "i, 2i, target(i)" under the header "a,b,t". */
function numericCsv(rows: number, target: (i: number) => string | number): string {
  const lines = ['a,b,t'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${2 * i},${target(i)}`);
  return lines.join('\n');
}

/** Expects `parseCsv(text)` to throw a DataError whose message contains `message`. */
function rejects(text: string, message: string | RegExp, options: CsvOptions = {}): void {
  let error: unknown;
  try {
    parseCsv(text, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DataError);
  if (typeof message === 'string') expect((error as Error).message).toContain(message);
  else expect((error as Error).message).toMatch(message);
}

describe('parseCsv: reading', () => {
  it('reads a labelled table: features, sorted class names, label indices', () => {
    const t = parseCsv(FLOWERS);
    expect(t.name).toBe('csv');
    expect(t.task).toBe('multiclass');
    expect(t.featureNames).toEqual(['sepal length', 'sepal width', 'petal width']);
    expect(t.targetName).toBe('species');
    expect(t.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([t.n, t.inputs, t.outputs]).toEqual([6, 3, 3]);
    expect([...t.y]).toEqual([0, 1, 2, 0, 1, 2]);
    expect([...t.x.subarray(0, 3)]).toEqual([5.1, 3.5, 0.2].map(Math.fround));
  });

  it('handles quotes, escaped quotes, CRLF and CR line ends, BOM, spaces and blank lines', () => {
    const text =
      '\uFEFF"size, cm", "say ""hi""",label\r\n' +
      '\r\n' +
      ' 1.5 , "2" ,"b, c"\r\n' +
      '-3e2,4.,a\r' +
      '  \n' +
      '+.5,"7",a\n\n';
    const t = parseCsv(text);
    expect(t.featureNames).toEqual(['size, cm', 'say "hi"']);
    expect(t.classNames).toEqual(['a', 'b, c']);
    expect([...t.x]).toEqual([1.5, 2, -300, 4, 0.5, 7]);
    expect([...t.y]).toEqual([1, 0, 0]);
    expect(t.task).toBe('binary');
  });

  it('counts physical lines, including line breaks inside quoted fields', () => {
    rejects('a,b\n1,"multi\nline"\n2,x\n3,oops,4', 'line 5: 3 fields, but the header has 2 columns');
    rejects('name,b\n"multi\nline",1', 'line 2, column 1 ("name"): "multi\\nline" is not a number');
  });

  it('picks the target by name, case-insensitive name, index or negative index', () => {
    const csv = numericCsv(20, (i) => i / 4);
    expect(parseCsv(csv).targetName).toBe('t');
    expect(parseCsv(csv, { target: 'a' }).featureNames).toEqual(['b', 't']);
    expect(parseCsv(FLOWERS, { target: 'SPECIES' }).targetName).toBe('species');
    const first = parseCsv(csv, { target: 0 });
    expect(first.targetName).toBe('a');
    expect([...first.y.subarray(0, 3)]).toEqual([0, 1, 2]);
    expect([...first.x.subarray(0, 4)]).toEqual([0, 0, 2, 0.25]);
    expect(parseCsv(csv, { target: -2 }).targetName).toBe('b');
  });

  it('keeps the name it is given', () => {
    expect(parseCsv(FLOWERS, { name: 'my flowers' }).name).toBe('my flowers');
  });
});

describe('parseCsv: task', () => {
  it('infers regression for non-integer or many distinct numeric targets', () => {
    expect(parseCsv(numericCsv(30, (i) => i * 0.5)).task).toBe('regression');
    expect(parseCsv(numericCsv(30, (i) => i)).task).toBe('regression'); // 30 distinct integers
    const t = parseCsv(numericCsv(30, (i) => 7 - i * 0.5));
    expect(t.outputs).toBe(1);
    expect(t.classNames).toBeUndefined();
    expect(t.y[3]).toBe(5.5);
  });

  it('infers classes for few distinct integers: 2 → binary, more → multiclass', () => {
    const binary = parseCsv(numericCsv(10, (i) => (i % 2 ? 1 : -1)));
    expect(binary.task).toBe('binary');
    expect(binary.outputs).toBe(1);
    expect(binary.classNames).toEqual(['-1', '1']);
    expect([...binary.y.subarray(0, 4)]).toEqual([0, 1, 0, 1]);
    const multi = parseCsv(numericCsv(20, (i) => [10, 2, 3][i % 3]));
    expect(multi.task).toBe('multiclass');
    expect(multi.outputs).toBe(3);
    expect(multi.classNames).toEqual(['2', '3', '10']); // numeric order, not text order
    expect([...multi.y.subarray(0, 3)]).toEqual([2, 0, 1]);
    // 11 distinct integers: above MAX_INFERRED_CLASSES, so regression.
    expect(parseCsv(numericCsv(40, (i) => i % 11)).task).toBe('regression');
    // 3 distinct integers but only 5 rows: fewer than 2 rows per class, so regression.
    expect(parseCsv(numericCsv(5, (i) => i % 3)).task).toBe('regression');
  });

  it('sorts string labels by code unit, independent of locale', () => {
    const t = parseCsv(numericCsv(6, (i) => ['b', 'B', 'a'][i % 3]));
    expect(t.classNames).toEqual(['B', 'a', 'b']);
  });

  it('follows an explicit task', () => {
    expect(parseCsv(numericCsv(30, (i) => i % 2), { task: 'regression' }).task).toBe('regression');
    const multi = parseCsv(numericCsv(30, (i) => i % 2), { task: 'multiclass' });
    expect([multi.task, multi.outputs]).toEqual(['multiclass', 2]);
    expect(parseCsv(numericCsv(30, (i) => i * 0.5), { task: 'multiclass' }).outputs).toBe(30);
  });
});

describe('parseCsv: errors name the line, the column and what is allowed', () => {
  it('a non-number in a feature column', () => {
    const text = FLOWERS.split('\n');
    text[6] = '5.8,2.7,abc,virginica';
    rejects(
      text.join('\n'),
      'line 7, column 3 ("petal width"): "abc" is not a number (feature columns must be numeric',
    );
  });

  it('NaN, Infinity, empty and out-of-range cells', () => {
    rejects('a,b\n1,2\nNaN,1', 'line 3, column 1 ("a"): "NaN" is not a finite number (NaN and Infinity are not allowed)');
    rejects('a,b\n1,2\n-inf,1', 'line 3, column 1 ("a"): "-inf" is not a finite number');
    rejects('a,b\n1,2\n3,Infinity', 'line 3, column 2 ("b"): "Infinity" is not a finite number');
    rejects('a,b\n1,2\n,1', 'line 3, column 1 ("a"): is empty; missing values are not supported');
    rejects('a,b\n1,2\n1e39,1', 'line 3, column 1 ("a"): "1e39" is out of range');
    rejects('a,b\n1,2\n0x10,1', 'line 3, column 1 ("a"): "0x10" is not a number');
  });

  it('a target cell beyond the float range, or not finite, never turns a numeric column into classes', () => {
    for (const cell of ['1e400', '-1e400', '1e39', 'Infinity', '-inf', 'NaN']) {
      const csv = numericCsv(30, (i) => (i === 12 ? cell : i * 0.5));
      const why = /nan|inf/i.test(cell) ? 'is not a finite number' : 'is out of range';
      rejects(csv, `line 14, column 3 ("t"): "${cell}" ${why}`);
      // Also among text labels, and whatever the task.
      rejects(numericCsv(30, (i) => (i === 12 ? cell : ['a', 'b'][i % 2]!)), `line 14, column 3 ("t"): "${cell}"`);
      rejects(csv, `line 14, column 3 ("t"): "${cell}"`, { task: 'multiclass' });
    }
    rejects('a,b\n1,2\n1e400,1', 'line 3, column 1 ("a"): "1e400" is out of range');
    expect(parseCsv(numericCsv(30, (i) => (i === 12 ? '3.4e38' : i * 0.5))).task).toBe('regression');
  });

  it('cuts long cells and long lists of column names in messages', () => {
    const long = 'z'.repeat(200);
    rejects(`a,b\n1,2\n${long},1`, `"${'z'.repeat(60)}…" is not a number`);
    const names = Array.from({ length: 30 }, (_, j) => `c${j}`);
    rejects(`${names.join(',')}\n${names.map(() => 1).join(',')}`, '"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", … (30 in all)', {
      target: 'nope',
    });
  });

  it('refuses CSV text longer than the limit before reading it', () => {
    rejects(' '.repeat(LIMITS.maxCsvBytes + 1), `the CSV text is ${LIMITS.maxCsvBytes + 1} bytes; the limit is ${LIMITS.maxCsvBytes} bytes (100.0 MiB) (counting characters)`);
  });

  it('a ragged row', () => {
    rejects('a,b,c\n1,2,3\n4,5\n', 'line 3: 2 fields, but the header has 3 columns; every row needs one value per column');
    rejects('a,b,c\n1,2,3,4,5\n', 'line 2: more than 3 fields, but the header has 3 columns');
  });

  it('an empty file, a blank file and a header without data', () => {
    rejects('', 'the CSV is empty: expected a header row of column names');
    rejects('\n  \r\n\n', 'the CSV is empty');
    rejects('a,b\n\n', 'the CSV has a header but no data rows');
  });

  it('a bad header: too few columns, empty or repeated names, numbers only', () => {
    rejects('a\n1\n', 'line 1: the header has 1 column; at least 2 are needed');
    rejects('a,,c\n1,2,3', 'line 1, column 2: the column name is empty');
    rejects('a,b,a\n1,2,3', 'line 1, column 3: column name "a" repeats column 1; names must be unique');
    rejects('1,2,3\n4,5,6', 'line 1: the first row holds only numbers; a header row with column names is required');
  });

  it('a missing target column lists the columns', () => {
    rejects(FLOWERS, 'target column "colour" not found; columns: "sepal length", "sepal width", "petal width", "species"', {
      target: 'colour',
    });
    rejects(FLOWERS, 'target column index 4 is out of range: the CSV has 4 columns, so use 0 to 3', { target: 4 });
    rejects(FLOWERS, 'target column index -5 is out of range', { target: -5 });
  });

  it('broken quoting', () => {
    rejects('a,b\n1,"2\n3,4\n', 'line 2, column 2: a quoted field is never closed');
    rejects('a,b\n1,"2"x\n', 'line 2, column 2: unexpected text after a closing quote');
  });

  it('targets that cannot be the requested task', () => {
    rejects(FLOWERS, 'line 2, column 4 ("species"): "setosa" is not a number', { task: 'regression' });
    rejects(FLOWERS, 'column 4 ("species"): task "binary" needs exactly 2 classes, found 3: "setosa", "versicolor", "virginica"', {
      task: 'binary',
    });
    rejects(numericCsv(4, () => 'same'), 'the target has only one distinct value ("same"); classification needs at least 2 classes');
    rejects(numericCsv(4, (i) => (i === 2 ? '' : 'x')), 'line 4, column 3 ("t"): is empty');
    rejects(numericCsv(MAX_CLASSES + 1, (i) => `id${i}`), `${MAX_CLASSES + 1} distinct target values; classification supports at most ${MAX_CLASSES} classes`);
    rejects(FLOWERS, 'task must be one of regression, binary, multiclass, got "ranking"', {
      task: 'ranking' as never,
    });
  });

  it('caps rows and columns', () => {
    const wide = Array.from({ length: MAX_CSV_COLUMNS + 1 }, (_, j) => `c${j}`).join(',');
    rejects(`${wide}\n`, `line 1: more than ${MAX_CSV_COLUMNS} columns; at most ${MAX_CSV_COLUMNS} are supported`);
    const exactlyWide = Array.from({ length: MAX_CSV_COLUMNS }, (_, j) => `c${j}`).join(',');
    const row = Array.from({ length: MAX_CSV_COLUMNS }, (_, j) => j % 2).join(',');
    expect(parseCsv(`${exactlyWide}\n${row}\n${row}`).inputs).toBe(MAX_CSV_COLUMNS - 1);
    const tall = `a,b\n${'1,2\n'.repeat(MAX_CSV_ROWS)}`;
    expect(parseCsv(tall).n).toBe(MAX_CSV_ROWS);
    rejects(`${tall}3,4\n`, `line ${MAX_CSV_ROWS + 2}: more than ${MAX_CSV_ROWS} data rows; at most ${MAX_CSV_ROWS} are supported`);
  });
});

describe('parseCsv: size cap', () => {
  it(`rejects more than ${MAX_CSV_CELLS} cells in total`, () => {
    const header = Array.from({ length: MAX_CSV_COLUMNS }, (_, j) => `c${j}`).join(',');
    const row = `${'0,'.repeat(MAX_CSV_COLUMNS - 1)}1\n`;
    const rows = MAX_CSV_CELLS / MAX_CSV_COLUMNS;
    rejects(
      `${header}\n${row.repeat(rows + 1)}`,
      `line ${rows + 2}: more than ${MAX_CSV_CELLS} values in total (rows × columns)`,
    );
  });
});

describe('makeCsvDataset', () => {
  it('splits, stratifies and standardises a CSV deterministically', () => {
    const csv = numericCsv(200, (i) => (i % 4 === 0 ? 'rare' : 'common'));
    const d = makeCsvDataset(csv, { seed: 3, module, name: 'mine' });
    expect(d.name).toBe('mine');
    expect(d.task).toBe('binary');
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([140, 30, 30]);
    expect(d.classNames).toEqual(['common', 'rare']);
    expect(d.standardization).not.toBeNull();
    let rare = 0;
    for (const v of d.test.y) rare += v;
    expect(Math.abs(rare - 7.5)).toBeLessThanOrEqual(1);
    expect(makeCsvDataset(csv, { seed: 3, module, name: 'mine' })).toEqual(d);
    expect(makeCsvDataset(csv, { seed: 4, module }).train.x).not.toEqual(d.train.x);
  });

  it('passes CSV and split options through', () => {
    const csv = numericCsv(100, (i) => i % 2);
    const d = makeCsvDataset(csv, {
      seed: 1,
      module,
      target: 'a',
      task: 'regression',
      standardize: false,
      fractions: { train: 0.5, validation: 0.2, test: 0.2 },
    });
    expect([d.task, d.targetName, d.standardization]).toEqual(['regression', 'a', null]);
    expect([d.train.n, d.validation.n, d.test.n]).toEqual([50, 20, 20]);
  });

  it('standardises a regression target by default, and only then', () => {
    const csv = numericCsv(100, (i) => 300_000 + 1000 * i);
    const d = makeCsvDataset(csv, { seed: 1, module });
    expect(d.task).toBe('regression');
    const s = d.targetStandardization!;
    expect(s.mean[0]).toBeGreaterThan(300_000);
    expect(s.std[0]).toBeGreaterThan(10_000);
    expect(Math.max(...d.train.y.map(Math.abs))).toBeLessThan(3);
    const raw = makeCsvDataset(csv, { seed: 1, module, standardizeTarget: false });
    expect(raw.targetStandardization).toBeNull();
    expect(Math.min(...raw.train.y)).toBeGreaterThanOrEqual(300_000);
    expect(makeCsvDataset(FLOWERS, { seed: 1, module, fractions: { train: 0.5, validation: 0.25, test: 0.25 } }).targetStandardization).toBeNull();
    // The bundled and generated regression sets keep their raw targets.
    expect(makeDataset('diabetes', { seed: 1, module }).targetStandardization).toBeNull();
    expect(Math.max(...makeDataset('diabetes', { seed: 1, module }).train.y)).toBeGreaterThan(100);
    expect(makeDataset('line', { seed: 1, module }).targetStandardization).toBeNull();
  });
});
