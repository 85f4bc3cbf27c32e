/**
 * The README's two CNN examples from the command line, as a reader would run them: the 8×8
 * digits network must reach 95% test accuracy and the Fashion-MNIST one 85% (the figures are
 * printed). They train on u8 image data through conv, pooling, batch norm and flatten layers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '..', '..');

async function accuracy(line: string): Promise<number> {
  const args = line.split(' ').map((a) => (a.startsWith('examples/') ? join(root, a) : a));
  const out = await run([...args, '--json']);
  expect(out.code, out.stderr).toBe(0);
  const report = JSON.parse(out.stdout) as { test: { accuracy: number }; stepsPerSecond: number };
  console.log(
    `${line}: test accuracy ${(report.test.accuracy * 100).toFixed(1)}% (${report.stepsPerSecond} steps/s)`,
  );
  return report.test.accuracy;
}

describe('the CNN examples of the README', () => {
  it('digits: at least 95% test accuracy', async () => {
    const line = 'train --spec examples/digits-cnn.json --data digits --lr 0.01 --steps 1500';
    expect(await accuracy(line)).toBeGreaterThanOrEqual(0.95);
  });

  it('Fashion-MNIST: at least 85% test accuracy', async () => {
    const line =
      'train --spec examples/fashion-cnn.json --data fashion-mnist --lr 0.002 --steps 2000';
    expect(await accuracy(line)).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
