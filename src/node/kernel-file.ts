/**
 * Loads the compiled kernel from disk for Node (tests, the command line, benchmarks). The
 * browser loads the same bytes through `fetch` in the worker shell.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `simd` is the build that scores results; `scalar` is its SIMD-free twin for comparisons. */
export type KernelVariant = 'simd' | 'scalar';

const FILES: Record<KernelVariant, string> = {
  simd: 'kernel.wasm',
  scalar: 'kernel-scalar.wasm',
};

/**
 * Finds the `build/` folder by walking up from this file, so the same code works from `src/`
 * (tests) and from `dist/src/` (the installed command line). `NJ_KERNEL_DIR` overrides it.
 */
export function kernelDir(): string {
  const override = process.env['NJ_KERNEL_DIR'];
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'build');
    if (existsSync(join(candidate, FILES.simd))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('build/kernel.wasm not found: run `npm run build:kernel` (npm ci does it too)');
}

const cache = new Map<KernelVariant, Promise<WebAssembly.Module>>();

/** Compiles the kernel once per process and variant. */
export function loadKernelModule(variant: KernelVariant = 'simd'): Promise<WebAssembly.Module> {
  let module = cache.get(variant);
  if (!module) {
    module = readFile(join(kernelDir(), FILES[variant])).then((bytes) =>
      WebAssembly.compile(bytes),
    );
    cache.set(variant, module);
  }
  return module;
}
