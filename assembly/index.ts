/**
 * The kernel's export list. Every op lives in its own file under `ops/`; this barrel is what
 * the TypeScript engine sees as `instance.exports`.
 */
export { heap_base } from './memory';
export * from './ops/matmul';
export * from './ops/dense';
export * from './ops/conv2d';
// math.ts by name: it also holds the @inline v128 helpers the ops use, and a v128 in an export
// signature would not compile in the scalar build (and JavaScript could not call it anyway).
export {
  exp_f32,
  log_f32,
  tanh_f32,
  sigmoid_f32,
  exp_f64,
  log_f64,
  sin_f64,
  cos_f64,
  exp_array,
  log_array,
  tanh_array,
} from './math';
export { sin_f32 } from './sin_f32';
export * from './rng';
export * from './ops/init';
export * from './ops/relu';
export * from './ops/leaky_relu';
export * from './ops/sigmoid';
export * from './ops/tanh';
export * from './ops/softmax';
export * from './ops/maxpool2d';
export * from './ops/avgpool2d';
export * from './ops/batchnorm';
export * from './ops/layernorm';
export * from './ops/gelu';
export * from './ops/posenc';
export * from './ops/add';
export * from './ops/mse';
export * from './ops/bce_logits';
export * from './ops/softmax_ce';
export * from './ops/features';
export { embedding_forward, embedding_backward } from './ops/embedding';
export * from './ops/onehot';
// rnn.ts by name: it also holds the helpers lstm.ts and gru.ts share.
export {
  rnn_work_floats,
  rnn_forward,
  rnn_forward_scalar,
  rnn_backward,
  rnn_backward_scalar,
} from './ops/rnn';
export * from './ops/lstm';
export * from './ops/gru';
export * from './ops/attention';
export * from './ops/pixels';
export * from './ops/dropout';
export * from './ops/l2';
export * from './ops/l1';
export * from './ops/clip';
export * from './ops/sgd';
export * from './ops/momentum';
export * from './ops/rmsprop';
export * from './ops/adam';
export { program_train, program_eval, program_gradient, program_loss } from './program';
export { sample_token } from './ops/sample';
