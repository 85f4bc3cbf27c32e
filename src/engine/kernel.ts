/**
 * The TypeScript view of the WebAssembly kernel (`assembly/`): the typed export list and the
 * instantiation that every environment (Node tests, the command line, the Web Worker) shares.
 * Pointers are byte addresses into the kernel's linear memory; sizes are element counts.
 */

/** Pointer to a 16-byte aligned f32 buffer in kernel memory. */
export type Ptr = number;

// Signatures the SIMD kernels share with their scalar twins.
/** B, C, H, W, OC, K, S, P of a convolution. */
type ConvShape = [
  B: number,
  C: number,
  H: number,
  W: number,
  OC: number,
  K: number,
  S: number,
  P: number,
];
type Conv2dForward = (out: Ptr, inp: Ptr, w: Ptr, b: Ptr, col: Ptr, ...shape: ConvShape) => void;
type Conv2dBackward = (
  dinp: Ptr,
  dw: Ptr,
  db: Ptr,
  dout: Ptr,
  inp: Ptr,
  w: Ptr,
  col: Ptr,
  ...shape: ConvShape
) => void;
/** B, C, H, W, K, S, P of a pooling window. */
type PoolShape = [B: number, C: number, H: number, W: number, K: number, S: number, P: number];
type AvgPool = (to: Ptr, from: Ptr, ...dims: PoolShape) => void;
type BatchnormTrain = (
  out: Ptr,
  xhat: Ptr,
  istd: Ptr,
  inp: Ptr,
  gamma: Ptr,
  beta: Ptr,
  rmean: Ptr,
  rvar: Ptr,
  B: number,
  C: number,
  S: number,
  momentum: number,
  eps: number,
) => void;
type BatchnormEval = (
  out: Ptr,
  inp: Ptr,
  gamma: Ptr,
  beta: Ptr,
  rmean: Ptr,
  rvar: Ptr,
  B: number,
  C: number,
  S: number,
  eps: number,
) => void;
type BatchnormBackward = (
  dinp: Ptr,
  dgamma: Ptr,
  dbeta: Ptr,
  dout: Ptr,
  xhat: Ptr,
  istd: Ptr,
  gamma: Ptr,
  B: number,
  C: number,
  S: number,
) => void;
/** Three buffers of N floats: add_forward(out, a, b, N) and add_backward(da, db, dout, N). */
type Elementwise3 = (x: Ptr, y: Ptr, z: Ptr, N: number) => void;
/** layernorm_forward: out [N,D], mean [N], rstd [N] from inp [N,D], gamma [D], beta [D]. */
type LayernormForward = (
  out: Ptr,
  mean: Ptr,
  rstd: Ptr,
  inp: Ptr,
  gamma: Ptr,
  beta: Ptr,
  N: number,
  D: number,
  eps: number,
) => void;
/** layernorm_backward: accumulates dinp [N,D], dgamma [D], dbeta [D]; each may be 0. */
type LayernormBackward = (
  dinp: Ptr,
  dgamma: Ptr,
  dbeta: Ptr,
  dout: Ptr,
  inp: Ptr,
  mean: Ptr,
  rstd: Ptr,
  gamma: Ptr,
  N: number,
  D: number,
) => void;
/** posenc_forward(out, inp, table, …) and posenc_backward(dinp, dtable, dout, …) on [rows,T,D]. */
type Posenc = (x: Ptr, y: Ptr, z: Ptr, rows: number, T: number, D: number) => void;
/** B, T, D, H of a recurrent layer and its seq flag (1: every step's h, 0: the last step's). */
type RecurrentShape = [B: number, T: number, D: number, H: number, seq: number];
/** rnn/lstm/gru forward: out [B,T,H] or [B,H] from inp [B,T,D]; overwrites out and work. */
type RecurrentForward = (
  out: Ptr,
  work: Ptr,
  inp: Ptr,
  w_ih: Ptr,
  w_hh: Ptr,
  b_ih: Ptr,
  b_hh: Ptr,
  ...shape: RecurrentShape
) => void;
/** rnn/lstm/gru backward through time: accumulates the gradients; dinp and health may be 0. */
type RecurrentBackward = (
  dinp: Ptr,
  dw_ih: Ptr,
  dw_hh: Ptr,
  db_ih: Ptr,
  db_hh: Ptr,
  health: Ptr,
  dout: Ptr,
  work: Ptr,
  inp: Ptr,
  w_ih: Ptr,
  w_hh: Ptr,
  ...shape: RecurrentShape
) => void;

/** attention forward: out [B,T,D] and probs [B,H,T,T] from qkv [B,T,3D]. */
type AttentionForward = (
  out: Ptr,
  probs: Ptr,
  qkv: Ptr,
  mask: Ptr,
  scratch: Ptr,
  B: number,
  T: number,
  D: number,
  H: number,
) => void;
/** attention backward: dqkv [B,T,3D] += the gradient; scratch is attention_scratch_floats. */
type AttentionBackward = (
  dqkv: Ptr,
  dout: Ptr,
  qkv: Ptr,
  probs: Ptr,
  mask: Ptr,
  scratch: Ptr,
  B: number,
  T: number,
  D: number,
  H: number,
) => void;

/** Everything `assembly/index.ts` exports. Kept in step with `assembly/README.md`. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  /** First free byte after the kernel's static data. */
  heap_base(): number;

  // math.ts — deterministic transcendentals (no fused multiply-add, no JS Math)
  exp_f32(x: number): number;
  log_f32(x: number): number;
  tanh_f32(x: number): number;
  sigmoid_f32(x: number): number;
  exp_f64(x: number): number;
  log_f64(x: number): number;
  sin_f64(x: number): number;
  cos_f64(x: number): number;
  /** sin of any f32 (≤ 1 ulp); sin_f64 rounded to f32 below 2^20, exact reduction above. */
  sin_f32(x: number): number;
  /** out[N] = exp(inp[N]) (SIMD); used by tests to compare with exp_f32. */
  exp_array(out: Ptr, inp: Ptr, N: number): void;
  log_array(out: Ptr, inp: Ptr, N: number): void;
  tanh_array(out: Ptr, inp: Ptr, N: number): void;

  // rng.ts — xoshiro128** state of 16 bytes at `state`
  rng_seed(state: Ptr, seed: number): void;
  rng_u32(state: Ptr): number;
  rng_uniform_f32(state: Ptr): number;
  rng_uniform_f64(state: Ptr): number;
  rng_normal_f64(state: Ptr): number;
  rng_below(state: Ptr, n: number): number;
  rng_shuffle_i32(state: Ptr, ptr: Ptr, N: number): void;

  // init.ts
  init_uniform(out: Ptr, N: number, bound: number, state: Ptr): void;
  init_normal(out: Ptr, N: number, std: number, state: Ptr): void;
  /** w[OC,C]; scheme: 0 xavier_uniform, 1 xavier_normal, 2 he_uniform, 3 he_normal, 4 zeros. */
  init_dense(w: Ptr, OC: number, C: number, scheme: number, state: Ptr): void;
  /** N weights with PyTorch's fans; schemes as init_dense, plus 5 ones. */
  init_weights(w: Ptr, N: number, fanIn: number, fanOut: number, scheme: number, state: Ptr): void;
  // conv2d.ts — NCHW: inp[B,C,H,W], w[OC,C,K,K], out[B,OC,OH,OW]; col is conv2d_col_floats floats
  conv2d_forward: Conv2dForward;
  conv2d_forward_scalar: Conv2dForward;
  conv2d_backward: Conv2dBackward;
  conv2d_backward_scalar: Conv2dBackward;
  conv2d_col_floats(...shape: ConvShape): number;
  // maxpool2d.ts, avgpool2d.ts — K×K windows, stride S, padding P; arg is i32[B,C,OH,OW]
  maxpool2d_forward: (out: Ptr, arg: Ptr, inp: Ptr, ...dims: PoolShape) => void;
  maxpool2d_forward_scalar: KernelExports['maxpool2d_forward'];
  maxpool2d_backward: (dinp: Ptr, dout: Ptr, arg: Ptr, ...dims: PoolShape) => void;
  maxpool2d_backward_scalar: KernelExports['maxpool2d_backward'];
  /** avgpool2d_forward(out, inp, …) and avgpool2d_backward(dinp, dout, …). */
  avgpool2d_forward: AvgPool;
  avgpool2d_forward_scalar: AvgPool;
  avgpool2d_backward: AvgPool;
  avgpool2d_backward_scalar: AvgPool;
  // batchnorm.ts — over [B, C, S]
  batchnorm_forward_train: BatchnormTrain;
  batchnorm_forward_train_scalar: BatchnormTrain;
  batchnorm_forward_eval: BatchnormEval;
  batchnorm_forward_eval_scalar: BatchnormEval;
  batchnorm_backward: BatchnormBackward;
  batchnorm_backward_scalar: BatchnormBackward;
  // layernorm.ts — torch's nn.LayerNorm(D) over the last dimension of [N, D], biased variance
  /** out = gamma·(x − mean)·rstd + beta per row; writes mean[N] and rstd[N] = 1/sqrt(var + eps). */
  layernorm_forward: LayernormForward;
  layernorm_forward_scalar: LayernormForward;
  /** From inp and the saved mean, rstd: accumulates dinp (0: skip), dgamma and dbeta. */
  layernorm_backward: LayernormBackward;
  layernorm_backward_scalar: LayernormBackward;
  // gelu.ts — GPT-2's tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
  /** out[N] = gelu(inp[N]); out may alias inp. */
  gelu_forward(out: Ptr, inp: Ptr, N: number): void;
  gelu_forward_scalar(out: Ptr, inp: Ptr, N: number): void;
  /** dinp[N] += dout·gelu′(inp), the derivative from the forward INPUT. */
  gelu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, N: number): void;
  gelu_backward_scalar(dinp: Ptr, dout: Ptr, inp: Ptr, N: number): void;
  // posenc.ts — positional encodings on [rows, T, D] from a table [T_max ≥ T, D]
  /** out[r,t,:] = inp[r,t,:] + table[t,:]; out may alias inp. */
  posenc_forward: Posenc;
  posenc_forward_scalar: Posenc;
  /** dinp += dout (0: skip); dtable[t,:] += Σ_r dout[r,t,:] in r order (0: skip, fixed table). */
  posenc_backward: Posenc;
  posenc_backward_scalar: Posenc;
  /** Fills table [T, D] with the sinusoidal encoding (sin on even columns, cos on odd ones). */
  posenc_sinusoid(table: Ptr, T: number, D: number): void;
  // add.ts — residual connections: out = a + b; da += dout, db += dout
  add_forward: Elementwise3;
  add_forward_scalar: Elementwise3;
  add_backward: Elementwise3;
  add_backward_scalar: Elementwise3;
  // pixels.ts — u8 pixels to f32 inputs
  pixels_to_f32(out: Ptr, inp: Ptr, N: number, scale: number): void;
  pixels_to_f32_scalar: KernelExports['pixels_to_f32'];

  // matmul.ts — out[M,N] (+)= A·B in three layouts; acc != 0 accumulates
  matmul_nn(out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  matmul_nt(out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  matmul_tn(out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  matmul_nn_scalar(out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  matmul_nt_scalar(out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  matmul_tn_scalar(out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  /** Register-only f32x4 multiply-add loop: the peak the matmuls are measured against. */
  peak_loop(iterations: number): number;
  /** Floating-point operations one `peak_loop` iteration performs. */
  peak_flops_per_iteration(): number;

  // dense.ts — w[OC,C], b[OC]
  dense_forward(out: Ptr, inp: Ptr, w: Ptr, b: Ptr, B: number, C: number, OC: number): void;
  dense_backward(
    dinp: Ptr,
    dw: Ptr,
    db: Ptr,
    dout: Ptr,
    inp: Ptr,
    w: Ptr,
    B: number,
    C: number,
    OC: number,
  ): void;
  dense_forward_scalar(out: Ptr, inp: Ptr, w: Ptr, b: Ptr, B: number, C: number, OC: number): void;
  dense_backward_scalar(
    dinp: Ptr,
    dw: Ptr,
    db: Ptr,
    dout: Ptr,
    inp: Ptr,
    w: Ptr,
    B: number,
    C: number,
    OC: number,
  ): void;

  // activations: forward overwrites, backward accumulates into dinp
  relu_forward(out: Ptr, inp: Ptr, N: number): void;
  relu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, N: number): void;
  relu_forward_scalar(out: Ptr, inp: Ptr, N: number): void;
  relu_backward_scalar(dinp: Ptr, dout: Ptr, inp: Ptr, N: number): void;
  leaky_relu_forward(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  leaky_relu_backward(dinp: Ptr, dout: Ptr, inp: Ptr, N: number, alpha: number): void;
  leaky_relu_forward_scalar(out: Ptr, inp: Ptr, N: number, alpha: number): void;
  leaky_relu_backward_scalar(dinp: Ptr, dout: Ptr, inp: Ptr, N: number, alpha: number): void;
  sigmoid_forward(out: Ptr, inp: Ptr, N: number): void;
  sigmoid_backward(dinp: Ptr, dout: Ptr, out: Ptr, N: number): void;
  sigmoid_forward_scalar(out: Ptr, inp: Ptr, N: number): void;
  sigmoid_backward_scalar(dinp: Ptr, dout: Ptr, out: Ptr, N: number): void;
  tanh_forward(out: Ptr, inp: Ptr, N: number): void;
  tanh_backward(dinp: Ptr, dout: Ptr, out: Ptr, N: number): void;
  tanh_forward_scalar(out: Ptr, inp: Ptr, N: number): void;
  tanh_backward_scalar(dinp: Ptr, dout: Ptr, out: Ptr, N: number): void;
  softmax_forward(out: Ptr, inp: Ptr, B: number, C: number): void;
  softmax_backward(dinp: Ptr, dout: Ptr, out: Ptr, B: number, C: number): void;
  softmax_forward_scalar(out: Ptr, inp: Ptr, B: number, C: number): void;
  softmax_backward_scalar(dinp: Ptr, dout: Ptr, out: Ptr, B: number, C: number): void;

  // losses: forward returns the mean loss, backward accumulates the gradient of that mean
  mse_forward(pred: Ptr, target: Ptr, N: number): number;
  mse_backward(dpred: Ptr, pred: Ptr, target: Ptr, N: number): void;
  bce_logits_forward(logits: Ptr, target: Ptr, N: number): number;
  bce_logits_backward(dlogits: Ptr, logits: Ptr, target: Ptr, N: number): void;
  softmax_ce_forward(probs: Ptr, logits: Ptr, labels: Ptr, B: number, C: number): number;
  softmax_ce_backward(dlogits: Ptr, probs: Ptr, labels: Ptr, B: number, C: number): void;
  accuracy_binary(logits: Ptr, target: Ptr, N: number): number;
  accuracy_threshold(pred: Ptr, target: Ptr, N: number): number;
  accuracy_multiclass(scores: Ptr, labels: Ptr, B: number, C: number): number;

  // features.ts — inp[B,2] = (x1, x2) rows, out[B,K]; codes[K] i32, positions in FEATURES
  features_forward(out: Ptr, inp: Ptr, B: number, codes: Ptr, K: number): void;

  // embedding.ts, onehot.ts — ids are f32 holding integers; out-of-range ids give zero rows
  /** out[B,T,D] = weight[ids[b,t]] with weight [V,D]. */
  embedding_forward(
    out: Ptr,
    ids: Ptr,
    weight: Ptr,
    B: number,
    T: number,
    V: number,
    D: number,
  ): void;
  /** dweight[ids[b,t]] += dout[b,t] in b, t order; out-of-range ids skipped. */
  embedding_backward(
    dweight: Ptr,
    dout: Ptr,
    ids: Ptr,
    B: number,
    T: number,
    V: number,
    D: number,
  ): void;
  /** out[N,V] one-hot rows of N ids. */
  onehot_forward(out: Ptr, ids: Ptr, N: number, V: number): void;

  // rnn.ts, lstm.ts, gru.ts — batch-first inp [B,T,D]; PyTorch's w_ih [G·H,D], w_hh [G·H,H],
  // b_ih, b_hh [G·H] (G = 1, 4 i f g o, 3 r z n); work is <op>_work_floats(B, T, D, H) floats;
  // backward after forward on the same work buffer; health[T] = ‖∂L/∂h_t‖₂ (0 = skip)
  rnn_work_floats(B: number, T: number, D: number, H: number): number;
  rnn_forward: RecurrentForward;
  rnn_forward_scalar: RecurrentForward;
  rnn_backward: RecurrentBackward;
  rnn_backward_scalar: RecurrentBackward;
  lstm_work_floats(B: number, T: number, D: number, H: number): number;
  lstm_forward: RecurrentForward;
  lstm_forward_scalar: RecurrentForward;
  lstm_backward: RecurrentBackward;
  lstm_backward_scalar: RecurrentBackward;
  gru_work_floats(B: number, T: number, D: number, H: number): number;
  gru_forward: RecurrentForward;
  gru_forward_scalar: RecurrentForward;
  gru_backward: RecurrentBackward;
  gru_backward_scalar: RecurrentBackward;

  // attention.ts — causal multi-head self-attention (nanoGPT's, between c_attn and c_proj):
  // qkv [B,T,3D] = q | k | v per position, head h (of H, hd = D/H) in columns h·hd..(h+1)·hd−1
  // of each; out [B,T,D] with head h in the same columns; probs [B,H,T,T], 0 above the diagonal
  /** Floats of the backward's scratch buffer (dS of one batch row and head, T·T rounded to 4). */
  attention_scratch_floats(T: number, D: number, H: number): number;
  /** probs = causal softmax((q·kᵀ)/√hd) per head, out = probs·v; overwrites out and probs. */
  attention_forward: AttentionForward;
  attention_forward_scalar: AttentionForward;
  /** Accumulates dq, dk, dv into dqkv [B,T,3D] from dout [B,T,D] and the forward's probs. */
  attention_backward: AttentionBackward;
  attention_backward_scalar: AttentionBackward;

  // sample.ts — one token id drawn from softmax(logits[V] / temperature) over the topK largest
  // (0: all; temperature 0: the largest), work[V] scratch, state a PRNG
  sample_token(
    logits: Ptr,
    work: Ptr,
    V: number,
    temperature: number,
    topK: number,
    state: Ptr,
  ): number;

  // regularisation
  dropout_forward(out: Ptr, mask: Ptr, inp: Ptr, N: number, p: number, state: Ptr): void;
  dropout_backward(dinp: Ptr, dout: Ptr, mask: Ptr, N: number): void;
  dropout_backward_scalar(dinp: Ptr, dout: Ptr, mask: Ptr, N: number): void;
  l2_backward(grad: Ptr, param: Ptr, N: number, lambda: number): void;
  l2_backward_scalar(grad: Ptr, param: Ptr, N: number, lambda: number): void;
  /** grad[N] += lambda·sign(param[N]), sign(±0) = 0: the gradient of lambda·Σ|param|. */
  l1_backward(grad: Ptr, param: Ptr, N: number, lambda: number): void;
  l1_backward_scalar(grad: Ptr, param: Ptr, N: number, lambda: number): void;
  sum_squares(ptr: Ptr, N: number): number;
  sum_squares_scalar(ptr: Ptr, N: number): number;
  clip_grad_norm(grads: Ptr, N: number, maxNorm: number): number;

  // optimizers: one elementwise pass over the flat parameter block
  sgd_update(params: Ptr, grads: Ptr, N: number, lr: number): void;
  sgd_update_scalar(params: Ptr, grads: Ptr, N: number, lr: number): void;
  momentum_update(
    params: Ptr,
    grads: Ptr,
    velocity: Ptr,
    N: number,
    lr: number,
    mu: number,
    nesterov: number,
  ): void;
  momentum_update_scalar(
    params: Ptr,
    grads: Ptr,
    velocity: Ptr,
    N: number,
    lr: number,
    mu: number,
    nesterov: number,
  ): void;
  rmsprop_update(
    params: Ptr,
    grads: Ptr,
    sq: Ptr,
    N: number,
    lr: number,
    alpha: number,
    eps: number,
  ): void;
  rmsprop_update_scalar(
    params: Ptr,
    grads: Ptr,
    sq: Ptr,
    N: number,
    lr: number,
    alpha: number,
    eps: number,
  ): void;
  adam_update(
    params: Ptr,
    grads: Ptr,
    m: Ptr,
    v: Ptr,
    N: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
  ): void;
  adam_update_scalar(
    params: Ptr,
    grads: Ptr,
    m: Ptr,
    v: Ptr,
    N: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
  ): void;

  // program.ts — the interpreter that runs whole steps in one call
  program_train(program: Ptr, steps: number): number;
  program_eval(program: Ptr, split: number, rows: number): number;
  /** Loss and full gradient of the rows in the input/target buffers; draw ≠ 0 draws dropout masks. */
  program_gradient(program: Ptr, rows: number, draw: number): number;
  /** Training-mode loss of those rows with the last masks, running statistics untouched. */
  program_loss(program: Ptr, rows: number): number;
}

/** Imports the kernel needs: only `env.abort`, which a `--noAssert` build reaches on a trap. */
function kernelImports(): WebAssembly.Imports {
  return {
    env: {
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`kernel aborted at ${line}:${column}`);
      },
    },
  };
}

/** Instantiates a compiled kernel module; each learner owns one instance. */
export function instantiateKernel(module: WebAssembly.Module): KernelExports {
  const instance = new WebAssembly.Instance(module, kernelImports());
  return instance.exports as unknown as KernelExports;
}

/**
 * Makes sure the kernel memory holds at least `bytes` bytes, growing it once if needed.
 * Called by the planner before a learner starts, never during training.
 */
export function ensureMemory(kernel: KernelExports, bytes: number): void {
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
}
