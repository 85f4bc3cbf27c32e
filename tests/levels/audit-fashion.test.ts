import { beforeAll, describe } from 'vitest';
import { LEVELS } from '../../src/levels/index.js';
import type { ImageAssets } from '../../src/levels/judge.js';
import { loadLevelImages } from '../../src/node/image-data.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';
import { auditLevels } from './audit-cases.js';

const levels = LEVELS.filter((l) => l.data.name === 'fashion-mnist');
let module: WebAssembly.Module;
let images: ImageAssets;
beforeAll(async () => {
  module = await loadKernelModule('simd');
  images = await loadLevelImages(levels);
});

describe('every level on Fashion-MNIST teaches its idea (the level audit)', () => {
  auditLevels(levels, () => ({ module, images }));
});
