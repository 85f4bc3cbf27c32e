// pixels.ts — N values: inp u8[N] (image pixels as stored), out f32[N].

/**
 * out[i] = f32(inp[i])·scale: stored u8 pixels become the network's inputs as a batch is
 * gathered (1/255 for Fashion-MNIST, 1/16 for the 8×8 digits), so images take a quarter of the
 * memory and no per-pixel standardisation is applied. u8 → f32 is exact and the product one
 * rounding, so the SIMD path and the scalar twin give the same bits. Any N, any alignment.
 */
export function pixels_to_f32(out: usize, inp: usize, N: i32, scale: f32): void {
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(scale);
    let i = 0;
    for (; i + 16 <= N; i += 16) {
      const bytes = v128.load(inp + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(bytes);
      const hi = i16x8.extend_high_i8x16_u(bytes);
      const o = out + (<usize>i << 2);
      v128.store(o, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), s));
      v128.store(o + 16, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), s));
      v128.store(o + 32, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), s));
      v128.store(o + 48, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), s));
    }
    pixels_tail(out, inp, i, N, scale);
  } else {
    pixels_tail(out, inp, 0, N, scale);
  }
}

/** Scalar twin of `pixels_to_f32`. */
export function pixels_to_f32_scalar(out: usize, inp: usize, N: i32, scale: f32): void {
  pixels_tail(out, inp, 0, N, scale);
}

function pixels_tail(out: usize, inp: usize, i: i32, N: i32, scale: f32): void {
  for (; i < N; i++) {
    store<f32>(out + (<usize>i << 2), <f32>load<u8>(inp + <usize>i) * scale);
  }
}
