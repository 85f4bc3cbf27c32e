/**
 * The op graph a spec becomes: values with a per-example shape, and nodes that read values and
 * write one. A node may read any earlier value (a residual connection) and a value may feed
 * several nodes (their gradients add: every backward kernel accumulates). Nodes are kept in the
 * order they run forward, which the planner, the program and PyTorch's module numbering share.
 */
import { OPS, opDef, size, type GraphBuilder, type OpName, type Shape } from './ops/index.js';
import type { Issues } from './spec-base.js';

/** One buffer of the graph, per example: `input`, `features` or a node's output `3.out`. */
export interface Value {
  id: number;
  name: string;
  shape: number[];
  /** `chw` for images (NCHW with the batch first), `seq` for sequences [T, D], `flat` for vectors. */
  layout: 'flat' | 'seq' | 'chw';
  dtype: 'f32';
  /** The node that writes it; null for the network's input. */
  producer: number | null;
  /** The value whose buffer it is, under this shape (a flatten), or null: a buffer of its own. */
  aliasOf: number | null;
}

/** One op applied once: one PyTorch module (`module` is its index in the Sequential). */
export interface GraphNode {
  id: number;
  op: OpName;
  /** Index in the equivalent `nn.Sequential`; −1 for the input features, which are not a module. */
  module: number;
  /**
   * The PyTorch module path its parameters, buffers and values are named under (`3` in
   * `3.weight`, `3.out`); `features` for the input features.
   */
  path: string;
  /** The spec layer it comes from (−1: the input features). */
  layer: number;
  attrs: unknown;
  inputs: number[];
  output: number;
}

export interface Graph {
  values: Value[];
  nodes: GraphNode[];
  input: number;
  output: number;
}

/** One row of the per-module summary a workbench or `--json` report shows. */
export interface LayerSummary {
  layer: number;
  module: number;
  /** The op type (`dense`, `conv2d` …); `activation` also for an identity, which computes nothing. */
  kind: OpName;
  /** Output shape per example, e.g. [16] or [8, 6, 6]; the batch dimension is left out. */
  outputShape: number[];
  params: number;
  /** How `params` is computed, e.g. `2×16 + 16 = 48`. */
  formula: string;
  /** Multiply-adds per example of its forward pass. */
  macs: number;
}

/** Builds a graph node by node; every shape problem is reported once, under its spec path. */
export class Builder implements GraphBuilder {
  readonly values: Value[] = [];
  readonly nodes: GraphNode[] = [];
  readonly summary: LayerSummary[] = [];
  totalParams = 0;
  totalMacs = 0;
  private module = 0;
  private cur: number;
  private broken = false;
  private readonly outputs: number[] = [];
  private readonly paths = new Set<string>();
  /**
   * The module path of the layer being built where the network is named as GPT is
   * (`transformer.h.0`), or null: modules are numbered as in an `nn.Sequential`.
   */
  prefix: string | null = null;

  constructor(
    private readonly issues: Issues,
    inputShape: Shape,
    readonly vocab: number | null = null,
  ) {
    this.cur = this.value('input', inputShape, null, null);
  }

  get atInput(): boolean {
    return this.cur === 0;
  }

  get shape(): Shape {
    return this.values[this.cur]!.shape;
  }

  get current(): number {
    return this.cur;
  }

  /** False once a node did not fit: later layers are not checked against a wrong shape. */
  get ok(): boolean {
    return !this.broken;
  }

  layerOutput(layer: number): number | undefined {
    return this.outputs[layer];
  }

  /** Records the value a spec layer ends on, for later residual connections. */
  endLayer(layer: number): void {
    this.outputs[layer] = this.cur;
  }

  issue(path: string, message: string): void {
    this.issues.add(path, message);
  }

  nodesOf(op: string): readonly { path: string; attrs: unknown }[] {
    return this.nodes.filter((n) => n.op === op);
  }

  /** The input features node: not a module, its output is `features`. */
  features(attrs: unknown, path: string): boolean {
    return this.add('features', attrs, -1, path, [this.cur], 'features');
  }

  node(
    op: string,
    attrs: unknown,
    layer: number,
    path: string,
    inputs?: number[],
    sub?: string,
  ): boolean {
    return this.add(op, attrs, layer, path, inputs ?? [this.cur], null, sub);
  }

  identity(layer: number): void {
    if (this.broken) return;
    this.summary.push({
      layer,
      module: this.module++,
      kind: 'activation',
      outputShape: [...this.shape],
      params: 0,
      formula: '0',
      macs: 0,
    });
  }

  /** The last node when the loss absorbed it (a final sigmoid/softmax), else null. */
  folded: GraphNode | null = null;

  /** Drops the last node (a final sigmoid/softmax folded into the loss); its summary row stays. */
  popNode(): void {
    const node = this.nodes.pop()!;
    this.values.pop();
    this.cur = node.inputs[0]!;
    this.folded = node;
  }

  graph(): Graph {
    return { values: this.values, nodes: this.nodes, input: 0, output: this.cur };
  }

  private add(
    op: string,
    attrs: unknown,
    layer: number,
    where: string,
    inputs: number[],
    name: string | null,
    sub?: string,
  ): boolean {
    if (this.broken) return false;
    if (!(op in OPS)) throw new Error(`unknown op type "${op}"`);
    const def = opDef(op);
    const shapes = inputs.map((v) => this.values[v]!.shape);
    const out = def.infer(shapes, attrs);
    if (typeof out === 'string') {
      this.issues.add(where, out);
      this.broken = true;
      return false;
    }
    const input = shapes[0]!;
    const params = (def.params?.(attrs, input) ?? []).reduce((n, p) => n + size(p.shape), 0);
    const macs = def.macs(attrs, input, out);
    const id = this.nodes.length;
    const module = name === null ? this.module++ : -1;
    const path = name ?? this.modulePath(module, sub);
    const value = this.value(
      name ?? `${path}.out`,
      out,
      id,
      def.alias ? (this.values[inputs[0]!]!.aliasOf ?? inputs[0]!) : null,
    );
    this.nodes.push({ id, op: op as OpName, module, path, layer, attrs, inputs, output: value });
    if (module >= 0) {
      this.summary.push({
        layer,
        module,
        kind: op as OpName,
        outputShape: [...out],
        params,
        formula: params > 0 && def.formula ? def.formula(attrs, input) : '0',
        macs,
      });
    }
    this.totalParams += params;
    this.totalMacs += macs;
    this.cur = value;
    return true;
  }

  /**
   * A module's path: its index, or under GPT's names the layer's path and `sub`. Modules without
   * a name of their own there (an activation after the head) get their index added, so every
   * path stays unique.
   */
  private modulePath(module: number, sub: string | undefined): string {
    if (this.prefix === null) return String(module);
    let path = sub ? `${this.prefix}.${sub}` : this.prefix;
    if (this.paths.has(path)) path = `${path}.${module}`;
    this.paths.add(path);
    return path;
  }

  private value(
    name: string,
    shape: Shape,
    producer: number | null,
    aliasOf: number | null,
  ): number {
    const id = this.values.length;
    this.values.push({
      id,
      name,
      shape: [...shape],
      layout: shape.length === 3 ? 'chw' : shape.length === 2 ? 'seq' : 'flat',
      dtype: 'f32',
      producer,
      aliasOf,
    });
    return id;
  }
}

/** The node's first input shape (what its op's declarations are written against). */
export function inputShape(graph: Graph, node: GraphNode): number[] {
  return graph.values[node.inputs[0]!]!.shape;
}

/**
 * The network as a PyTorch `nn.Sequential`, one constructor per module in index order (a folded
 * final sigmoid/softmax included, an identity as `nn.Identity()`), so its state-dict names are
 * ours: what `docs/model-format.md` describes and the torch test builds.
 */
export function torchModules(
  graph: Graph,
  summary: readonly LayerSummary[],
  folded: GraphNode | null,
): string[] {
  const byModule = new Map<number, GraphNode>();
  for (const n of [...graph.nodes, ...(folded ? [folded] : [])]) byModule.set(n.module, n);
  return summary.map((row) => {
    const node = byModule.get(row.module);
    if (!node) return 'nn.Identity()';
    return opDef(node.op).torch(node.attrs, inputShape(graph, node));
  });
}
