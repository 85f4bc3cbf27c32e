/**
 * The network drawn as TensorFlow Playground draws it: one column per layer, the inputs (or the
 * chosen feature inputs) on the left, every neuron a small heatmap of what it outputs over the
 * input plane, every weight an edge whose thickness follows its size and whose colour follows
 * its sign, every bias a small square at the corner of its neuron. Hovering a neuron or a weight
 * names it and its value; `onHover` lets the scene show a hovered neuron large; where editing is
 * allowed, clicking a weight or a bias asks the scene (`onEdit`) to let the player type a value.
 *
 * From the keyboard, Tab reaches the graph; the arrows move between neurons (each shown large
 * as if hovered), [ and ] step through the weights coming into the chosen neuron, and Enter
 * types a new value for the chosen weight, or for the neuron's bias.
 *
 * All pictures use one diverging scale (blue −, grey 0, orange +), each map scaled to its own
 * largest value so a quiet neuron is still readable.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, diverging, textStyle } from '../theme.js';
import { FocusManager, type Direction, type Focusable } from '../ui/focus.js';
import { Heatmap } from './heatmap.js';

/** Neurons drawn per column, as many as Playground allows per layer; the rest are counted. */
export const MAX_GRAPH_NODES = 8;

export interface GraphColumn {
  /** Above the column: "inputs", "layer 1", "output". */
  title: string;
  units: number;
  /** Each node's name, for the readout ("x₁²", "layer 1, neuron 3", "the output"). */
  names: string[];
}

/** Which thing of the graph the pointer is on. */
export type GraphTarget =
  | { kind: 'node'; column: number; index: number }
  | { kind: 'weight'; layer: number; to: number; from: number }
  | { kind: 'bias'; layer: number; unit: number };

export interface NetworkGraphOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  columns: GraphColumn[];
  resolution: number;
  /** Said under the graph while nothing is hovered, after how to use it. */
  note?: string;
  /** A node hovered (its map, [resolution²], and name) or left (null). */
  onHover: (node: { map: Float32Array; name: string } | null) => void;
  /** A weight or bias clicked where editing is allowed, with its screen place. */
  onEdit:
    | ((
        target: Exclude<GraphTarget, { kind: 'node' }>,
        value: number,
        at: { x: number; y: number },
      ) => void)
    | null;
}

/** Where each drawn thing sits, for hit tests and the browser tests' hook. */
export interface GraphLayout {
  nodes: { column: number; index: number; x: number; y: number; size: number }[];
  weights: {
    layer: number;
    to: number;
    from: number;
    x1: number;
    y1: number;
    x2: number;
    y2: number;
  }[];
  biases: { layer: number; unit: number; x: number; y: number; size: number }[];
}

const BIAS = 8;
/** Room under the nodes for the readout line (up to four lines of small text). */
const FOOT = 88;
/** Room left of the inputs for their names. */
const LABELS = 44;

export class NetworkGraph implements Focusable {
  private readonly edges: Phaser.GameObjects.Graphics;
  private readonly marks: Phaser.GameObjects.Graphics;
  private readonly maps: Heatmap[][] = [];
  private readonly texts: Phaser.GameObjects.Text[] = [];
  private readonly readout: Phaser.GameObjects.Text;
  private readonly zone: Phaser.GameObjects.Zone;
  /** The last maps per column ([resolution², units]) and parameters, for hover and redraws. */
  private lastMaps: (Float32Array | null)[] = [];
  private weights: Float32Array[] | null = null;
  private biases: Float32Array[] | null = null;
  private hovered: GraphTarget | null = null;
  readonly layout: GraphLayout = { nodes: [], weights: [], biases: [] };
  private readonly size: number;
  /** The neuron the keyboard is on (column, index), shown like a hovered one. */
  private cursor = { column: 0, index: 0 };
  /** The incoming weight the keyboard is on (its source neuron), or null for the neuron. */
  private edge: number | null = null;
  private readonly scene: Phaser.Scene;

  constructor(
    scene: Phaser.Scene,
    private readonly o: NetworkGraphOptions,
  ) {
    this.scene = scene;
    const cols = o.columns.length;
    const span = (o.width - 8 - LABELS) / Math.max(cols, 1);
    const tallest = Math.min(MAX_GRAPH_NODES, Math.max(...o.columns.map((c) => c.units)));
    const body = o.height - FOOT;
    this.size = Math.floor(Math.max(18, Math.min(44, span * 0.58, (body / tallest) * 0.72)));
    this.edges = scene.add.graphics();
    this.marks = scene.add.graphics();
    o.columns.forEach((column, c) => {
      const shown = Math.min(column.units, MAX_GRAPH_NODES);
      const cx = this.columnX(c);
      this.texts.push(
        scene.add
          .text(cx + this.size / 2, o.y, column.title, textStyle(TEXT.small, CSS.textDim))
          .setOrigin(0.5, 0),
      );
      const row: Heatmap[] = [];
      for (let i = 0; i < shown; i++) {
        const y = this.nodeY(shown, i);
        row.push(new Heatmap(scene, { x: cx, y, size: this.size, resolution: o.resolution }));
        if (c === 0) {
          // The inputs are named beside them, as Playground does: x₁, x₂, x₁², sin x₁ …
          this.texts.push(
            scene.add
              .text(
                cx - 4,
                y + this.size / 2,
                column.names[i] ?? '',
                textStyle(TEXT.small, CSS.text),
              )
              .setOrigin(1, 0.5),
          );
        }
        this.layout.nodes.push({ column: c, index: i, x: cx, y, size: this.size });
        if (c > 0) {
          this.layout.biases.push({
            layer: c - 1,
            unit: i,
            x: cx - BIAS - 2,
            y: y + this.size - BIAS,
            size: BIAS,
          });
        }
      }
      if (column.units > shown) {
        this.texts.push(
          scene.add
            .text(
              cx + this.size / 2,
              this.nodeY(shown, shown - 1) + this.size + 4,
              `+${column.units - shown}`,
              textStyle(TEXT.small, CSS.textDim),
            )
            .setOrigin(0.5, 0),
        );
      }
      this.maps.push(row);
    });
    for (let c = 0; c + 1 < cols; c++) {
      for (const to of this.layout.nodes.filter((n) => n.column === c + 1)) {
        for (const from of this.layout.nodes.filter((n) => n.column === c)) {
          this.layout.weights.push({
            layer: c,
            to: to.index,
            from: from.index,
            x1: from.x + this.size,
            y1: from.y + this.size / 2,
            x2: to.x,
            y2: to.y + this.size / 2,
          });
        }
      }
    }
    this.readout = scene.add
      .text(o.x, o.y + o.height - FOOT + 14, '', textStyle(TEXT.small, CSS.text))
      .setWordWrapWidth(o.width);
    this.zone = scene.add
      .zone(o.x, o.y + 20, o.width, o.height - FOOT)
      .setOrigin(0, 0)
      .setInteractive({ cursor: 'default' });
    this.zone.on('pointermove', (p: Phaser.Input.Pointer) =>
      this.hover(this.targetAt(p.worldX, p.worldY)),
    );
    this.zone.on('pointerout', () => this.hover(null));
    this.zone.on('pointerdown', (p: Phaser.Input.Pointer) => {
      const t = this.targetAt(p.worldX, p.worldY);
      if (t && t.kind !== 'node' && this.o.onEdit)
        this.o.onEdit(t, this.valueOf(t) ?? 0, { x: p.worldX, y: p.worldY });
    });
    this.draw();
    this.hover(null);
    FocusManager.for(scene).add(this);
  }

  focusBounds(): Phaser.Geom.Rectangle {
    const n = this.cursorNode();
    return n
      ? new Phaser.Geom.Rectangle(n.x - 3, n.y - 3, n.size + 6, n.size + 6)
      : new Phaser.Geom.Rectangle(this.o.x, this.o.y, this.o.width, this.o.height);
  }

  canFocus(): boolean {
    return this.layout.nodes.length > 0;
  }

  setFocused(focused: boolean): void {
    if (focused) this.hover(this.keyTarget());
    else this.hover(null);
  }

  /** What the keyboard is on: the chosen neuron, or one of its incoming weights. */
  private keyTarget(): GraphTarget {
    const { column, index } = this.cursor;
    return this.edge === null || column === 0
      ? { kind: 'node', column, index }
      : { kind: 'weight', layer: column - 1, to: index, from: this.edge };
  }

  /** [ and ]: the previous or next weight into the chosen neuron (past the ends: the neuron). */
  key(event: KeyboardEvent): boolean {
    if (event.key !== '[' && event.key !== ']') return false;
    const { column } = this.cursor;
    if (column === 0) return true;
    const sources = this.layout.nodes.filter((n) => n.column === column - 1).length;
    const step = event.key === ']' ? 1 : -1;
    const next = (this.edge ?? (step > 0 ? -1 : sources)) + step;
    this.edge = next < 0 || next >= sources ? null : next;
    this.hover(this.keyTarget());
    return true;
  }

  focusLabel(): string {
    return 'network graph';
  }

  tooltipText(): string {
    return 'The network: arrows move between neurons, [ and ] through the weights into one, Enter types a new value';
  }

  /** Arrows: left and right between layers, up and down within one. */
  adjust(direction: Direction): boolean {
    const { column, index } = this.cursor;
    const shown = (c: number): number => this.layout.nodes.filter((n) => n.column === c).length;
    const cols = this.o.columns.length;
    if (direction === 'left' || direction === 'right') {
      const c = Phaser.Math.Clamp(column + (direction === 'right' ? 1 : -1), 0, cols - 1);
      this.cursor = { column: c, index: Math.min(index, shown(c) - 1) };
    } else {
      const i = index + (direction === 'down' ? 1 : -1);
      this.cursor = { column, index: Phaser.Math.Clamp(i, 0, shown(column) - 1) };
    }
    this.edge = null;
    this.hover(this.keyTarget());
    return true;
  }

  /** Enter: a new value for the chosen weight, or the chosen neuron's bias (inputs have none). */
  activate(): void {
    const { column, index } = this.cursor;
    const n = this.cursorNode();
    if (column === 0 || !n || !this.o.onEdit) return;
    const chosen = this.keyTarget();
    const t =
      chosen.kind === 'weight' ? chosen : { kind: 'bias' as const, layer: column - 1, unit: index };
    this.o.onEdit(t, this.valueOf(t) ?? 0, { x: n.x, y: n.y + n.size });
  }

  private cursorNode(): GraphLayout['nodes'][number] | undefined {
    const { column, index } = this.cursor;
    return this.layout.nodes.find((n) => n.column === column && n.index === index);
  }

  /**
   * Repaints from the latest pictures: `maps[c]` is column c's outputs over the grid
   * ([resolution², units], or null to keep it), `weights[k]` / `biases[k]` the k-th dense layer's
   * [units, inputs] matrix and [units] vector.
   */
  update(
    maps: (Float32Array | null)[],
    weights: Float32Array[] | null,
    biases: Float32Array[] | null,
  ): void {
    const n = this.o.resolution;
    maps.forEach((acts, c) => {
      if (!acts) return;
      this.lastMaps[c] = acts;
      const units = this.o.columns[c]!.units;
      this.maps[c]!.forEach((map, k) => {
        let peak = 1e-6;
        for (let i = 0; i < n * n; i++) peak = Math.max(peak, Math.abs(acts[i * units + k]!));
        map.fill((r, col) => diverging(acts[(r * n + col) * units + k]! / peak));
      });
    });
    if (weights) this.weights = weights;
    if (biases) this.biases = biases;
    this.draw();
    if (this.hovered) this.hover(this.hovered, true);
  }

  /** The map of one node ([resolution²]) from the last update, or null before the first. */
  nodeMap(column: number, index: number): Float32Array | null {
    const acts = this.lastMaps[column];
    if (!acts) return null;
    const units = this.o.columns[column]!.units;
    const n = this.o.resolution;
    const out = new Float32Array(n * n);
    for (let i = 0; i < n * n; i++) out[i] = acts[i * units + index]!;
    return out;
  }

  /** The value of a weight or bias from the last update. */
  valueOf(t: GraphTarget): number | null {
    if (t.kind === 'weight') {
      const w = this.weights?.[t.layer];
      const inputs = this.o.columns[t.layer]!.units;
      return w ? w[t.to * inputs + t.from]! : null;
    }
    if (t.kind === 'bias') return this.biases?.[t.layer]?.[t.unit] ?? null;
    return null;
  }

  /** Words for a weight, a bias or a node: what the readout line and the edit box say. */
  describe(t: GraphTarget): string {
    const cols = this.o.columns;
    if (t.kind === 'node') return cols[t.column]!.names[t.index]!;
    if (t.kind === 'bias') return `bias of ${cols[t.layer + 1]!.names[t.unit]}`;
    return `weight from ${cols[t.layer]!.names[t.from]} to ${cols[t.layer + 1]!.names[t.to]}`;
  }

  private hover(t: GraphTarget | null, again = false): void {
    const same = JSON.stringify(t) === JSON.stringify(this.hovered);
    this.hovered = t;
    if (!same || again) this.drawMarks();
    if (!t) {
      this.readout.setText(
        (this.o.onEdit
          ? 'Hover a neuron to see it large. Pause, then click a weight or a bias to change it.'
          : 'Hover a neuron to see it large.') + (this.o.note ? ` ${this.o.note}` : ''),
      );
      if (!same) this.o.onHover(null);
      return;
    }
    const value = this.valueOf(t);
    this.readout.setText(
      `${this.describe(t)}${value === null ? '' : `: ${formatValue(value)}`}` +
        (t.kind !== 'node' && this.o.onEdit ? ' (click to change)' : ''),
    );
    if (t.kind === 'node') {
      const map = this.nodeMap(t.column, t.index);
      if (map) this.o.onHover({ map, name: this.describe(t) });
    } else if (!same) this.o.onHover(null);
  }

  /** The node, bias or weight under a point (nodes and biases first: they sit on the edges). */
  targetAt(x: number, y: number): GraphTarget | null {
    for (const b of this.layout.biases) {
      if (x >= b.x - 2 && x <= b.x + b.size + 2 && y >= b.y - 2 && y <= b.y + b.size + 2)
        return { kind: 'bias', layer: b.layer, unit: b.unit };
    }
    for (const n of this.layout.nodes) {
      if (x >= n.x && x <= n.x + n.size && y >= n.y && y <= n.y + n.size)
        return { kind: 'node', column: n.column, index: n.index };
    }
    let best: GraphLayout['weights'][number] | null = null;
    let bestD = 5;
    for (const w of this.layout.weights) {
      const d = segmentDistance(x, y, w.x1, w.y1, w.x2, w.y2);
      if (d < bestD) {
        bestD = d;
        best = w;
      }
    }
    return best ? { kind: 'weight', layer: best.layer, to: best.to, from: best.from } : null;
  }

  private draw(): void {
    const g = this.edges.clear();
    let peak = 1e-6;
    for (const w of this.weights ?? []) for (const v of w) peak = Math.max(peak, Math.abs(v));
    for (const e of this.layout.weights) {
      const raw = this.valueOf({ kind: 'weight', layer: e.layer, to: e.to, from: e.from });
      const v = raw === null ? 0 : raw / peak;
      g.lineStyle(
        0.6 + 3.4 * Math.abs(v),
        raw === null ? COLORS.line : diverging(v),
        raw === null ? 0.6 : 0.3 + 0.7 * Math.abs(v),
      );
      g.lineBetween(e.x1, e.y1, e.x2, e.y2);
    }
    this.drawMarks();
  }

  /** Bias squares, frames and the hover highlight, over the maps. */
  private drawMarks(): void {
    const g = this.marks.clear().setDepth(1);
    let peak = 1e-6;
    for (const b of this.biases ?? []) for (const v of b) peak = Math.max(peak, Math.abs(v));
    for (const b of this.layout.biases) {
      const v = this.biases?.[b.layer]?.[b.unit];
      g.fillStyle(v === undefined ? COLORS.line : diverging(v / peak), 1).fillRect(
        b.x,
        b.y,
        b.size,
        b.size,
      );
      g.lineStyle(1, COLORS.background, 1).strokeRect(b.x, b.y, b.size, b.size);
    }
    const t = this.hovered;
    if (!t) return;
    g.lineStyle(2, COLORS.focus, 1);
    if (t.kind === 'node') {
      const n = this.layout.nodes.find((m) => m.column === t.column && m.index === t.index);
      if (n) g.strokeRect(n.x - 1, n.y - 1, n.size + 2, n.size + 2);
    } else if (t.kind === 'bias') {
      const b = this.layout.biases.find((m) => m.layer === t.layer && m.unit === t.unit);
      if (b) g.strokeRect(b.x - 1, b.y - 1, b.size + 2, b.size + 2);
    } else {
      const w = this.layout.weights.find(
        (m) => m.layer === t.layer && m.to === t.to && m.from === t.from,
      );
      if (w) g.lineBetween(w.x1, w.y1, w.x2, w.y2);
    }
  }

  private columnX(c: number): number {
    const cols = this.o.columns.length;
    const inner = this.o.width - 8 - LABELS - this.size;
    return this.o.x + LABELS + (cols > 1 ? (inner * c) / (cols - 1) : inner / 2);
  }

  private nodeY(shown: number, i: number): number {
    const top = this.o.y + 26;
    const body = this.o.height - FOOT - 8;
    const gap = Math.min(this.size + 16, body / Math.max(shown, 1));
    return top + body / 2 + (i - (shown - 1) / 2) * gap - this.size / 2;
  }

  destroy(): void {
    FocusManager.peek(this.scene)?.remove(this);
    this.edges.destroy();
    this.marks.destroy();
    for (const row of this.maps) for (const m of row) m.destroy();
    for (const t of this.texts) t.destroy();
    this.readout.destroy();
    this.zone.destroy();
  }
}

/** Distance from (x, y) to the segment (x1, y1)–(x2, y2). */
function segmentDistance(
  x: number,
  y: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = dx * dx + dy * dy;
  const t = len > 0 ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len)) : 0;
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** A weight as the readout writes it: three significant digits. */
export function formatValue(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(2)
    : String(Number(v.toPrecision(3)));
}
