/**
 * The loader for players' own data: a CSV text (pasted or read from a file by the UI) becomes a
 * `Table`, which `makeCsvDataset` then splits and standardises like every other source. Every
 * rejection is a `DataError` naming the line (1 = the header), the column (1-based) and what is
 * allowed, because the reader is a learner looking at their spreadsheet, not at a stack trace.
 *
 * Format: RFC 4180-ish. Comma separated; a header row of column names is required; fields may
 * be wrapped in double quotes ("" inside quotes is a literal quote; quoted fields may contain
 * commas and line breaks); spaces around fields are ignored; \n, \r\n and \r all end a row;
 * blank lines are skipped; a leading UTF-8 byte order mark is ignored. Feature columns must be
 * numeric (plain decimal, optional exponent: `-1.5e3`); the target column may hold labels.
 */
import { LIMITS, clip, overLimit } from '../engine/limits.js';
import { DataError, type Task } from './dataset.js';
import { DECIMAL } from '../engine/format.js';
import type { Table } from './split.js';

/** Most data rows (header excluded) a CSV may have: keeps a pasted file within worker memory. */
export const MAX_CSV_ROWS = 100_000;
/** Most columns (features + target) a CSV may have. */
export const MAX_CSV_COLUMNS = 1_000;
/** Most cells (rows × columns) in total: 10 M f32 values are 40 MB, the most a level should hold. */
export const MAX_CSV_CELLS = 10_000_000;
/** Most classes a classification target may have (an ID column as target is the usual cause). */
export const MAX_CLASSES = 100;
/** Most distinct integer values a numeric target may have and still be inferred as classes. */
export const MAX_INFERRED_CLASSES = 10;

/** Options of `parseCsv` (and of `makeCsvDataset`, which adds seed and split options). */
export interface CsvOptions {
  /**
   * The target column: a column name from the header (exact, else case-insensitive if that is
   * unique), or a 0-based column index (negative counts from the end, -1 = last). Defaults to the
   * last column. Note that error messages number columns from 1, like spreadsheets do.
   */
  readonly target?: string | number;
  /**
   * Forces the task. When absent it is inferred: if any target value is not a number, the column
   * holds class labels; if all are numbers, it holds classes only when every value is an integer
   * and there are 2 to `MAX_INFERRED_CLASSES` (10) distinct values with at least two rows per
   * class on average; otherwise it is regression. Two classes make the task binary, more
   * multiclass. Empty, NaN and Infinity targets, and numbers beyond the 32-bit float range
   * (`1e39`), are errors whatever the task.
   */
  readonly task?: Task;
  /** Name of the resulting table/data set. Defaults to "csv". */
  readonly name?: string;
}

const TASKS: readonly Task[] = ['regression', 'binary', 'multiclass'];
const F32_MAX = 3.4028234663852886e38;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** One physical record of the file and the line it starts on. */
interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * Streams records out of the text so a 100 000-row file is never split into an array of lines.
 * Line numbers count physical lines, so a quoted field with a line break moves later rows down,
 * just as a text editor shows them.
 */
class CsvReader {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /**
   * The next non-blank record, or null at the end of the text. Stops reading a record at
   * `maxFields` fields and throws `tooMany(line)`, so one enormous row cannot exhaust memory.
   */
  next(maxFields: number, tooMany: (line: number) => DataError): CsvRecord | null {
    const t = this.text;
    const len = t.length;
    for (;;) {
      if (this.pos >= len) return null;
      const startLine = this.line;
      const fields: string[] = [];
      let blank = true;
      for (;;) {
        if (fields.length >= maxFields) throw tooMany(startLine);
        let p = this.pos;
        while (p < len && isSpace(t.charCodeAt(p))) p++;
        let value: string;
        if (p < len && t.charCodeAt(p) === 34) {
          blank = false;
          const column = fields.length + 1;
          const openLine = this.line;
          p++;
          value = '';
          let from = p;
          for (;;) {
            if (p >= len) {
              throw new DataError(
                `line ${openLine}, column ${column}: a quoted field is never closed (missing ")`,
              );
            }
            const c = t.charCodeAt(p);
            if (c === 34) {
              if (t.charCodeAt(p + 1) === 34) {
                value += t.slice(from, p + 1);
                p += 2;
                from = p;
                continue;
              }
              value += t.slice(from, p);
              p++;
              break;
            }
            if (c === 10 || (c === 13 && t.charCodeAt(p + 1) !== 10)) this.line++;
            p++;
          }
          while (p < len && isSpace(t.charCodeAt(p))) p++;
          if (p < len && !isDelimiter(t.charCodeAt(p))) {
            throw new DataError(
              `line ${this.line}, column ${column}: unexpected text after a closing quote; a quoted field must end at a comma or the end of the line (write "" for a quote inside quotes)`,
            );
          }
        } else {
          let q = p;
          while (q < len && !isDelimiter(t.charCodeAt(q))) q++;
          value = t.slice(p, q).trim();
          if (value !== '') blank = false;
          p = q;
        }
        fields.push(value);
        if (p >= len) {
          this.pos = p;
          break;
        }
        const c = t.charCodeAt(p);
        if (c === 44) {
          blank = false;
          this.pos = p + 1;
          continue;
        }
        // End of line: \r\n counts once.
        this.pos = c === 13 && t.charCodeAt(p + 1) === 10 ? p + 2 : p + 1;
        this.line++;
        break;
      }
      if (!blank) return { fields, line: startLine };
    }
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isDelimiter(c: number): boolean {
  return c === 44 || c === 10 || c === 13;
}

/** Shortens a cell for an error message so a huge cell cannot flood the screen. */
function show(value: string): string {
  return JSON.stringify(clip(value));
}

/** Column names for a message: the first dozen, then how many there are in all. */
function showNames(names: readonly string[]): string {
  const shown = names.slice(0, 12).map(show).join(', ');
  return names.length > 12 ? `${shown}, … (${names.length} in all)` : shown;
}

/** Parses one numeric cell, or returns why it is not one (the tail of an error message). */
function parseNumber(text: string): number | string {
  if (text === '') return 'is empty; missing values are not supported (fill or remove the row)';
  if (NON_FINITE.test(text)) return `${show(text)} is not a finite number (NaN and Infinity are not allowed)`;
  if (!DECIMAL.test(text)) return `${show(text)} is not a number`;
  const v = Number(text);
  if (!Number.isFinite(v) || Math.abs(v) > F32_MAX) {
    return `${show(text)} is out of range (the limit is about ±3.4e38, the 32-bit float range)`;
  }
  return v;
}

/** Growable Float32Array so the feature matrix is never held as boxed JS numbers. */
class FloatBuffer {
  private data = new Float32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  finish(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Parses CSV text into a `Table`: feature columns as f32 (row-major), the target as a number
 * (regression) or a class index 0..K-1 (classification; `classNames` holds the labels, sorted:
 * numerically if all are numbers, else by UTF-16 code units, so the order is the same in every
 * locale). Called by `makeCsvDataset`; exported so the UI can preview a file before training.
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  if (typeof text !== 'string') throw new DataError('CSV input must be text');
  if (text.length > LIMITS.maxCsvBytes) {
    throw new DataError(
      `the CSV text ${overLimit(text.length, LIMITS.maxCsvBytes)} (counting characters)`,
    );
  }
  if (options.task !== undefined && !TASKS.includes(options.task)) {
    throw new DataError(`task must be one of ${TASKS.join(', ')}, got ${show(String(options.task))}`);
  }
  const reader = new CsvReader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

  const header = reader.next(
    MAX_CSV_COLUMNS,
    (line) =>
      new DataError(`line ${line}: more than ${MAX_CSV_COLUMNS} columns; at most ${MAX_CSV_COLUMNS} are supported`),
  );
  if (!header) {
    throw new DataError('the CSV is empty: expected a header row of column names, then data rows');
  }
  const names = header.fields;
  const columns = names.length;
  if (columns < 2) {
    throw new DataError(
      `line ${header.line}: the header has ${columns} column; at least 2 are needed (features and a target)`,
    );
  }
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === '') throw new DataError(`line ${header.line}, column ${j + 1}: the column name is empty`);
    const before = seen.get(name);
    if (before !== undefined) {
      throw new DataError(
        `line ${header.line}, column ${j + 1}: column name ${show(name)} repeats column ${before + 1}; names must be unique`,
      );
    }
    seen.set(name, j);
  });
  if (names.every((name) => typeof parseNumber(name) === 'number')) {
    throw new DataError(
      `line ${header.line}: the first row holds only numbers; a header row with column names is required`,
    );
  }
  const target = resolveTarget(names, options.target);
  const label = (j: number): string => `column ${j + 1} (${show(names[j])})`;

  const x = new FloatBuffer();
  const targets: string[] = [];
  const lines: number[] = [];
  const ragged = (line: number, found: string): DataError =>
    new DataError(
      `line ${line}: ${found} fields, but the header has ${columns} columns; every row needs one value per column`,
    );
  for (;;) {
    const record = reader.next(columns + 1, (line) => ragged(line, `more than ${columns}`));
    if (!record) break;
    if (record.fields.length !== columns) throw ragged(record.line, String(record.fields.length));
    if (targets.length === MAX_CSV_ROWS) {
      throw new DataError(`line ${record.line}: more than ${MAX_CSV_ROWS} data rows; at most ${MAX_CSV_ROWS} are supported`);
    }
    if ((targets.length + 1) * columns > MAX_CSV_CELLS) {
      throw new DataError(
        `line ${record.line}: more than ${MAX_CSV_CELLS} values in total (rows × columns); use fewer rows or columns`,
      );
    }
    for (let j = 0; j < columns; j++) {
      if (j === target) continue;
      const v = parseNumber(record.fields[j]);
      if (typeof v === 'string') {
        throw new DataError(
          `line ${record.line}, ${label(j)}: ${v}${v.endsWith('not a number') ? ' (feature columns must be numeric; only the target column may hold labels)' : ''}`,
        );
      }
      x.push(v);
    }
    targets.push(record.fields[target]);
    lines.push(record.line);
  }
  const n = targets.length;
  if (n === 0) throw new DataError('the CSV has a header but no data rows');

  const featureNames = names.filter((_, j) => j !== target);
  const base = {
    name: options.name ?? 'csv',
    inputs: columns - 1,
    featureNames,
    targetName: names[target],
    x: x.finish(),
    n,
  };
  const targetError = (i: number, why: string): DataError =>
    new DataError(`line ${lines[i]}, ${label(target)}: ${why}`);

  // Numbers first: regression needs them, and numeric classes sort numerically.
  const numeric = new Float64Array(n);
  let allNumeric = true;
  for (let i = 0; i < n; i++) {
    const v = parseNumber(targets[i]);
    if (typeof v === 'number') {
      numeric[i] = v;
      continue;
    }
    // Empty, NaN/Infinity and out-of-range numbers (1e39, 1e400) are errors for every task: they
    // are missing or broken values, not labels, and must not turn a numeric column into classes.
    if (
      targets[i] === '' ||
      NON_FINITE.test(targets[i]) ||
      DECIMAL.test(targets[i]) ||
      options.task === 'regression'
    ) {
      throw targetError(i, v);
    }
    allNumeric = false;
  }

  const distinct = allNumeric
    ? [...new Set(numeric)].sort((a, b) => a - b)
    : [...new Set(targets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const k = distinct.length;
  let task = options.task;
  if (!task) {
    // A constant numeric column stays regression (trivial, but not an error the player caused).
    const classes =
      !allNumeric ||
      (k >= 2 &&
        k <= MAX_INFERRED_CLASSES &&
        k * 2 <= n &&
        (distinct as number[]).every(Number.isInteger));
    task = !classes ? 'regression' : k === 2 ? 'binary' : 'multiclass';
  }

  if (task === 'regression') {
    return { ...base, task, outputs: 1, y: Float32Array.from(numeric) };
  }
  const listed = (distinct as (string | number)[]).slice(0, 12).map((c) => show(String(c)));
  const found = `${listed.join(', ')}${k > 12 ? ', ...' : ''}`;
  if (k < 2) {
    throw new DataError(
      `${label(target)}: the target has only one distinct value (${found}); classification needs at least 2 classes`,
    );
  }
  if (task === 'binary' && k !== 2) {
    throw new DataError(`${label(target)}: task "binary" needs exactly 2 classes, found ${k}: ${found}`);
  }
  if (k > MAX_CLASSES) {
    throw new DataError(
      `${label(target)}: ${k} distinct target values; classification supports at most ${MAX_CLASSES} classes (is this the right target column? columns: ${showNames(names)})`,
    );
  }
  const index = new Map<string | number, number>();
  (distinct as (string | number)[]).forEach((c, i) => index.set(c, i));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = index.get(allNumeric ? numeric[i] : targets[i])!;
  return {
    ...base,
    task,
    outputs: task === 'binary' ? 1 : k,
    classNames: (distinct as (string | number)[]).map(String),
    y,
  };
}

/** Column index of the requested target; lists the columns when it is not there. */
function resolveTarget(names: readonly string[], target: string | number | undefined): number {
  const columns = names.length;
  const list = showNames(names);
  if (target === undefined) return columns - 1;
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target >= columns || target < -columns) {
      throw new DataError(
        `target column index ${target} is out of range: the CSV has ${columns} columns, so use 0 to ${columns - 1} (or -1 for the last); columns: ${list}`,
      );
    }
    return target < 0 ? columns + target : target;
  }
  if (typeof target !== 'string') {
    throw new DataError(`target must be a column name or a 0-based column index, got ${typeof target}`);
  }
  const exact = names.indexOf(target.trim());
  if (exact >= 0) return exact;
  const lower = target.trim().toLowerCase();
  const loose = names.flatMap((name, j) => (name.toLowerCase() === lower ? [j] : []));
  if (loose.length === 1) return loose[0];
  throw new DataError(`target column ${show(target)} not found; columns: ${list}`);
}
