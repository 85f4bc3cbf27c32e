/**
 * What an op type declares about itself in the registry (`./index.ts`): its spec fields, its
 * shape inference, its parameters and buffers, what it keeps for the backward pass, its scratch,
 * how its parameters are counted for the player, its PyTorch module and its kernel record. The
 * validator, the graph builder, the planner, the program writer, model files and the game read
 * these declarations; nothing else in the engine knows what a layer type means.
 */
import type { Init } from '../spec-base.js';
import type { RecordName } from '../records.js';

/** A per-example shape: `[D]` for a vector, `[T, D]` for a sequence, `[C, H, W]` for an image. */
export type Shape = readonly number[];

/** A spec field of a layer type, as data: validation, defaults and the workbench's controls. */
export type FieldDef =
  | {
      kind: 'int';
      min: number;
      max: number;
      required?: boolean;
      label: string;
      /** The values the workbench steps through (its −/+ and clicks), within min..max. */
      steps?: readonly number[];
      /** Shown as a square, `3×3` (a kernel or a window). */
      square?: boolean;
    }
  | {
      kind: 'number';
      min: number;
      max: number;
      maxOpen?: boolean;
      required?: boolean;
      label: string;
    }
  | { kind: 'choice'; of: readonly string[]; required?: boolean; label: string }
  | {
      kind: 'bool';
      required?: boolean;
      label: string;
      /** Its value when a spec leaves it out (left out here: true, as a bias is). */
      default?: boolean;
      /**
       * What the workbench's chip says when it is off ("last step"); with it the chip always
       * shows, without it only when off ("no bias").
       */
      off?: string;
      /** Shown as a chip only while on (an option few layers use, such as a tied head). */
      chipWhenOn?: boolean;
    };

/** A trainable parameter: its name under the module (`weight`), shape and initialisation. */
export interface ParamDecl {
  name: string;
  shape: number[];
  /** Fan-in and fan-out as PyTorch computes them (`_calculate_fan_in_and_fan_out`). */
  fanIn: number;
  fanOut: number;
  /**
   * An initialisation scheme, or one a spec cannot choose: `ones` (a norm layer's scale),
   * `recurrent` (uniform within ±1/√fanIn, PyTorch's for recurrent layers), `normal` (std 1, an
   * embedding's), `gpt` (normal with std 0.02, GPT-2's for the linear layers of its blocks).
   */
  init: Init | 'ones' | 'recurrent' | 'normal' | 'gpt';
  /** Whether the L2 and L1 penalties apply (weights yes, biases and norm scales no). */
  decay: boolean;
}

/** A non-trainable buffer (batch-norm running statistics): kept in snapshots and model files. */
export interface BufferDecl {
  name: string;
  shape: number[];
  dtype: 'f32' | 'i32';
  /** Its value when the network is made (running variance starts at 1). */
  fill: number;
}

/** Per-example values an op keeps from forward for backward (a dropout mask, a pooling argmax). */
export interface SavedDecl {
  name: string;
  shape: number[];
  dtype: 'f32' | 'i32';
  /** False for one value per network rather than per example (batch-norm's 1/σ per channel). */
  perRow?: false;
}

/** Pointers and sizes a record is written from; every pointer is an absolute address. */
export interface RecordContext {
  /** The i-th input's buffer and its gradient (0: no gradient flows there). */
  inp(i?: number): number;
  dinp(i?: number): number;
  out: number;
  dout: number;
  param(name: string): number;
  grad(name: string): number;
  /** Another module's parameter by its full name (`transformer.wte.weight`): a tied weight. */
  shared(name: string): number;
  buffer(name: string): number;
  saved(name: string): number;
  scratch: number;
}

/** One kernel record's named field values, and a tail of extra words. */
export interface RecordSpec {
  values: Record<string, number>;
  tail?: readonly number[];
}

/** An op type of the graph. `A` is its attributes, fixed when the network is built. */
export interface OpDef<A = unknown> {
  readonly name: string;
  /**
   * Output shape per example from the input shapes, or a sentence for the player saying why
   * they do not fit ("a 5×5 filter with stride 2 …").
   */
  infer(inputs: readonly Shape[], attrs: A): Shape | string;
  params?(attrs: A, input: Shape): ParamDecl[];
  buffers?(attrs: A, input: Shape): BufferDecl[];
  saved?(attrs: A, input: Shape, output: Shape): SavedDecl[];
  /** Floats of scratch for `rows` rows (an im2col buffer), shared by forward and backward. */
  scratch?(attrs: A, input: Shape, output: Shape, rows: number): number;
  /** Fewest rows per training batch the op can work on (batch-norm over [C] needs 2). */
  minBatch?(attrs: A, input: Shape): number;
  /** True when the output is the input's buffer under another shape (no record, no copy). */
  readonly alias?: boolean;
  /** How the parameter count is worked out, as the workbench shows it: `2×4 + 4 = 12`. */
  formula?(attrs: A, input: Shape): string;
  /** Multiply-adds per example of the forward pass. */
  macs(attrs: A, input: Shape, output: Shape): number;
  /** The equivalent PyTorch module, e.g. `nn.Conv2d(1, 8, kernel_size=3, padding=1)`. */
  torch(attrs: A, input: Shape): string;
  /** The kernel record the op runs as (none for an alias), and how many tail words it adds. */
  readonly recordKind?: RecordName;
  tailWords?(attrs: A): number;
  record?(attrs: A, input: Shape, output: Shape, at: RecordContext): RecordSpec;
  /**
   * As the network's last op: true when the loss absorbs it (a sigmoid before BCE, a softmax
   * before CCE: the loss works on raw scores), or a sentence saying why it cannot end the network.
   */
  foldsInto?(attrs: A, loss: 'mse' | 'bce' | 'cce'): boolean | string;
  /** A sentence when the op may only end the network (softmax), or null. */
  lastOnly?(attrs: A): string | null;
}

/** Product of a shape's dimensions. */
export function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A shape as the player reads it: `[8, 6, 6]`. */
export function showShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** What a layer type's `build` uses to add its nodes to the graph being built. */
export interface GraphBuilder {
  /** The shape of the value the next node reads. */
  readonly shape: Shape;
  /** Symbols of token data (its input is ids), or null: the data is numbers. */
  readonly vocab: number | null;
  /** True while the next node reads the network's input itself. */
  readonly atInput: boolean;
  /** The value the next node reads: the previous layer's output. */
  readonly current: number;
  /** The output value of an earlier layer of the spec (for a residual connection), if any. */
  layerOutput(layer: number): number | undefined;
  /**
   * Adds a node of op type `op` (one PyTorch module) reading `inputs` (default: the current
   * value); its output becomes the current value. Returns false, with the shape problem
   * reported under `path`, when the inputs do not fit. `sub` names the module inside its layer
   * (`attn.c_attn` of a transformer block) where the network is named as GPT is.
   */
  node(
    op: string,
    attrs: unknown,
    layer: number,
    path: string,
    inputs?: number[],
    sub?: string,
  ): boolean;
  /** A module that computes nothing (`nn.Identity`) but still takes its index in the Sequential. */
  identity(layer: number): void;
  issue(path: string, message: string): void;
  /** The nodes so far with op type `op`: their module paths and attributes. */
  nodesOf(op: string): readonly { path: string; attrs: unknown }[];
}

/** A layer type as a spec writes it (`{"type": "conv2d", "filters": 8, …}`). */
export interface LayerDef {
  readonly type: string;
  /** The workbench's name for the block. */
  readonly label: string;
  /** What the block does, in plain words for the workbench's palette ("dropout: randomly …"). */
  readonly blurb: string;
  /** A layer of this type as the palette adds it. */
  readonly example: Record<string, unknown> & { type: string };
  readonly fields: Readonly<Record<string, FieldDef>>;
  /** The field that sets the width of its output, named when the output does not match the data. */
  readonly widthField?: string;
  /** The field the workbench's −/+ (and ←/→) change, and the block's short title ("Conv"). */
  readonly primary?: string;
  readonly short?: string;
  /** Why the network may not end in this layer, or nothing: it may. */
  readonly notLast?: string;
  /**
   * Where the layer sits in a network laid out as nanoGPT's GPT (one with transformer blocks):
   * its module path there (`{n}` is its count among earlier layers of its type), its rank in
   * GPT's order (embedding, positions, dropout, blocks, final norm, head), whether it may
   * repeat, and whether it makes a network GPT-shaped. Layer types without it have no place in
   * such a network.
   */
  readonly gpt?: { path: string; rank: number; repeats?: boolean; marks?: boolean };
  /**
   * How the parameters of a layer that becomes several weighted modules are counted, as the
   * workbench shows them (`12×64² + 13×64 = 49984` for a transformer block), from the layer
   * and the width of its output.
   */
  formula?(layer: Record<string, unknown>, width: number): string;
  /** Checks beyond each field's own range (the validator has checked every field already). */
  check?(
    layer: Record<string, unknown>,
    path: string,
    issue: (path: string, message: string) => void,
  ): void;
  /** Desugars the layer into graph nodes; `layer` is valid by its fields. */
  build(layer: Record<string, unknown>, index: number, b: GraphBuilder): void;
}
