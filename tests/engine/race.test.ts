import * as Comlink from 'comlink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataset, trainFractions } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { Learner } from '../../src/engine/learner.js';
import { Race, median, HIST_BINS, MAX_BRANCHES } from '../../src/engine/race.js';
import { createTrainer, type TrainerApi } from '../../src/engine/trainer.js';
import { levelById } from '../../src/levels/index.js';
import { dataRequest } from '../../src/levels/judge.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

let module: WebAssembly.Module;
let spiral: Dataset;
let moons: Dataset;
let line: Dataset;
let plane: Dataset;
const level = levelById('c2-spiral')!;

beforeAll(async () => {
  module = await loadKernelModule('simd');
  const { name, train, ...options } = dataRequest(level);
  spiral = makeDataset(name, {
    module,
    ...options,
    ...(train !== undefined ? { fractions: trainFractions(train) } : {}),
  });
  moons = makeDataset('moons', { module, seed: 3 });
  line = makeDataset('line', { module, seed: 1 });
  plane = makeDataset('plane', { module, seed: 2 });
});

const small = {
  layers: [
    { type: 'dense', units: 8, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};
const single = { layers: [{ type: 'dense', units: 1 }] };
const zeroUnit = { layers: [{ type: 'dense', units: 1, init: 'zeros' }] };

function spiralRace(): Race {
  return new Race(
    module,
    level.start,
    spiral,
    { batch: level.settings.batch.value, lr: 0.005 },
    [{ optimizer: 'sgd' }, { optimizer: 'momentum' }, { optimizer: 'adam' }],
    1,
  );
}

describe('an optimizer race', () => {
  it('starts every lane from the same weights, and different optimizers then diverge', async () => {
    const race = new Race(
      module,
      small,
      moons,
      { batch: 16, lr: 0.02 },
      [{ optimizer: 'sgd' }, { optimizer: 'adam' }, { optimizer: 'momentum', nesterov: true }],
      5,
    );
    const start = await race.startHashes();
    expect(start).toHaveLength(3);
    expect(new Set(start).size).toBe(1);
    expect(await race.hashes()).toEqual(start);
    const steps = race.step(60);
    expect(steps.map((s) => s.step)).toEqual([60, 60, 60]);
    expect(steps.every((s) => s.diverged === null && Number.isFinite(s.trainLoss))).toBe(true);
    const now = await race.hashes();
    expect(new Set(now).size).toBe(3);
    const curves = race.curves();
    expect(curves[0]!.points.map((p) => p.step)).toEqual([25, 50]);
    expect(curves.every((c) => c.points.every((p) => Number.isFinite(p.validationLoss)))).toBe(
      true,
    );
    race.dispose();
  });

  it('a lane trains exactly like a learner on its own (same weights as Learner.step)', async () => {
    const race = new Race(
      module,
      small,
      moons,
      { batch: 16, lr: 0.02, l2: 0.001 },
      [{ optimizer: 'adamw' }, { optimizer: 'rmsprop' }],
      8,
    );
    race.step(130);
    const hashes = await race.hashes();
    for (const [i, optimizer] of (['adamw', 'rmsprop'] as const).entries()) {
      const alone = new Learner(
        module,
        small,
        moons,
        { batch: 16, lr: 0.02, l2: 0.001, optimizer },
        8,
      );
      alone.step(130);
      expect(await alone.weightsHash()).toBe(hashes[i]);
      expect(alone.evaluate('validation').loss).toBe(race.evaluate('validation')[i]!.loss);
      alone.dispose();
    }
    race.dispose();
  });

  it('refuses lanes with another batch size, too many lanes, bad options', () => {
    expect(() => new Race(module, small, moons, { batch: 16 }, [{ batch: 8 }], 1)).toThrow(
      /lanes\[0\]\.batch must be the base's batch size \(16\)/,
    );
    expect(() => new Race(module, small, moons, {}, [{}, {}, {}, {}, {}], 1)).toThrow(/1 to 4/);
    expect(() => new Race(module, small, moons, {}, [{ lr: -1 }], 1)).toThrow(/lanes\[0\]\.lr/);
  });

  it('Adam beats SGD at the low rate of c2-spiral within its step budget', async () => {
    const t0 = performance.now();
    const race = spiralRace();
    race.step(level.stepBudget);
    const acc = race.evaluate('validation').map((e) => e.accuracy!);
    const loss = race.curves().map((c) => c.points[c.points.length - 1]!.validationLoss);
    console.log(
      `c2-spiral after ${level.stepBudget} steps at lr 0.005: validation accuracy sgd ${acc[0]!.toFixed(3)}, momentum ${acc[1]!.toFixed(3)}, adam ${acc[2]!.toFixed(3)}; loss ${loss.map((l) => l.toFixed(4)).join(', ')} (${Math.round(performance.now() - t0)} ms)`,
    );
    expect(acc[2]!).toBeGreaterThanOrEqual(level.goal.threshold);
    expect(acc[0]!).toBeLessThan(level.goal.threshold);
    expect(loss[2]!).toBeLessThan(loss[0]!);

    // Why: SGD's step is lr × g for every weight, so its effective rate is the learning rate;
    // Adam's steps are about lr for every weight whatever its gradient, so its update sizes are
    // bunched together and its effective rate is far above the learning rate.
    const sgd = race.updates(0);
    const adam = race.updates(2);
    expect(sgd.edges).toHaveLength(HIST_BINS + 1);
    expect(sgd.records).toHaveLength(level.stepBudget / 25);
    const lastSgd = sgd.records[sgd.records.length - 1]!;
    const lastAdam = adam.records[adam.records.length - 1]!;
    for (const layer of lastSgd.layers) {
      expect(layer.effectiveLr).toBeCloseTo(0.005, 5);
    }
    const spread = (counts: number[]): number => counts.filter((c) => c > 0).length;
    for (const [i, layer] of lastAdam.layers.entries()) {
      expect(layer.effectiveLr).toBeGreaterThan(3 * 0.005);
      expect(layer.medianUpdate).toBeGreaterThan(5 * lastSgd.layers[i]!.medianUpdate);
      const total = layer.counts.reduce((a, b) => a + b, 0) + layer.below + layer.above;
      expect(total).toBe(25 * (i === 0 ? 32 * 2 : 3 * 32));
      console.log(
        `${layer.name}: sgd median |Δw| ${lastSgd.layers[i]!.medianUpdate.toExponential(2)}, effective lr ${lastSgd.layers[i]!.effectiveLr.toExponential(3)}, bins used ${spread(lastSgd.layers[i]!.counts)}; adam median |Δw| ${layer.medianUpdate.toExponential(2)}, effective lr ${layer.effectiveLr.toExponential(3)}, bins used ${spread(layer.counts)}`,
      );
    }
    race.dispose();
  });

  it('is deterministic: two races give the same hashes and curves', async () => {
    const run = async () => {
      const race = new Race(
        module,
        small,
        moons,
        { batch: 16, lr: 0.02 },
        [{ optimizer: 'sgd' }, { optimizer: 'adam' }],
        9,
      );
      race.step(80);
      const out = { hashes: await race.hashes(), curves: race.curves(), updates: race.updates(1) };
      race.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('median', () => {
  it('agrees with sorting, ties and even counts included', async () => {
    const { kernelRandom } = await import('../../src/data/random.js');
    const rand = kernelRandom(module, 7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rand.below(60);
      const values = Float32Array.from({ length: n }, () =>
        trial % 2 ? rand.below(5) : rand.normal(),
      );
      const sorted = values.slice().sort();
      const want = n % 2 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2;
      expect(median(values)).toBe(want);
    }
    expect(median(new Float32Array(0))).toBeNaN();
  });
});

describe('rewind and branch', () => {
  it('rewinding and training on repeats the same steps', async () => {
    const race = new Race(
      module,
      small,
      moons,
      { batch: 16, lr: 0.02 },
      [{ optimizer: 'adam' }],
      4,
      {
        snapshotEvery: 10,
      },
    );
    race.step(100);
    const at100 = await race.hashes();
    const curve = race.curves()[0]!.points;
    expect(race.rewind(0, 47)).toBe(40);
    expect(race.curves()[0]!.points.map((p) => p.step)).toEqual([25]);
    expect(race.snapshots().lanes[0]!.steps).toEqual([0, 10, 20, 30, 40]);
    race.step(60);
    expect(await race.hashes()).toEqual(at100);
    expect(race.curves()[0]!.points.slice(2)).toEqual(curve.slice(2));
    race.dispose();
  });

  it('a branch replayed in a fresh race gives the same weights, and the tree says where it came from', async () => {
    const replay = async () => {
      const race = new Race(
        module,
        small,
        moons,
        { batch: 16, lr: 0.02 },
        [{ optimizer: 'sgd' }, { optimizer: 'adam' }],
        6,
      );
      race.step(75);
      const fresh = race.branch(0, 60, { optimizer: 'adam', lr: 0.01 });
      const kept = race.branch(1, 50, { lr: 0.001 });
      race.step(40);
      expect([fresh, kept]).toEqual([2, 3]);
      const out = { hashes: await race.hashes(), tree: race.tree() };
      race.dispose();
      return out;
    };
    const first = await replay();
    expect(
      first.tree.map(({ lane, parent, fromStep, optimizerState }) => ({
        lane,
        parent,
        fromStep,
        optimizerState,
      })),
    ).toEqual([
      { lane: 0, parent: null, fromStep: 0, optimizerState: 'start' },
      { lane: 1, parent: null, fromStep: 0, optimizerState: 'start' },
      { lane: 2, parent: 0, fromStep: 50, optimizerState: 'fresh' },
      { lane: 3, parent: 1, fromStep: 50, optimizerState: 'kept' },
    ]);
    expect(first.tree[2]!.options).toMatchObject({ optimizer: 'adam', lr: 0.01, batch: 16 });
    expect(new Set(first.hashes).size).toBe(4);
    expect((await replay()).hashes).toEqual(first.hashes);
  });

  it('a branch with the same options continues exactly like its parent', async () => {
    const race = new Race(
      module,
      small,
      moons,
      { batch: 16, lr: 0.02 },
      [{ optimizer: 'adam' }],
      2,
    );
    race.step(50);
    const child = race.branch(0, 25, {});
    expect(race.learner(child).stepCount).toBe(25);
    race.step(25);
    expect(race.learner(child).stepCount).toBe(50);
    const [parent, branch] = await race.hashes();
    race.rewind(0, 50);
    expect(branch).toBe(await race.learner(0).weightsHash());
    expect(parent).not.toBe(branch);
    race.dispose();
  });

  it('steps no lane past a budget: a branch catches up while the others wait', () => {
    const race = new Race(module, small, moons, { batch: 16, lr: 0.02 }, [{ optimizer: 'sgd' }], 2);
    race.step(30, 50);
    race.step(30, 50);
    expect(race.learner(0).stepCount).toBe(50);
    const child = race.branch(0, 25, { optimizer: 'adam' });
    const steps = race.step(100, 50);
    expect(steps.map((s) => s.step)).toEqual([50, 50]);
    expect(race.learner(child).stepCount).toBe(50);
    race.dispose();
  });

  it('holds at most four branches', () => {
    const race = new Race(module, small, moons, { batch: 16 }, [{}], 2);
    for (let i = 0; i < MAX_BRANCHES; i++) race.branch(0, 0, { lr: 0.001 * (i + 1) });
    expect(() => race.branch(0, 0, {})).toThrow(/at most 4 branches/);
    race.dispose();
  });

  it('keeps snapshot memory within the cap, thinning old ones evenly', () => {
    const probe = new Race(module, small, moons, { batch: 16 }, [{}], 1);
    const per = probe.snapshots().bytesPerSnapshot[0]!;
    probe.dispose();
    const cap = 12 * per * 2;
    const race = new Race(
      module,
      small,
      moons,
      { batch: 16 },
      [{ optimizer: 'sgd' }, { optimizer: 'adam' }],
      1,
      {
        snapshotEvery: 5,
        memoryCapBytes: cap,
      },
    );
    for (let i = 0; i < 20; i++) {
      race.step(20);
      expect(race.snapshots().bytes).toBeLessThanOrEqual(cap);
    }
    const report = race.snapshots();
    expect(report.capBytes).toBe(cap);
    const steps = report.lanes[0]!.steps;
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(400);
    expect(steps.length).toBeGreaterThan(5);
    expect(race.rewind(0, 399)).toBeLessThanOrEqual(399);
    expect(
      () => new Race(module, small, moons, { batch: 16 }, [{}], 1, { memoryCapBytes: per }),
    ).toThrow(/at least two snapshots/);
    race.dispose();
  });
});

/** Least squares in float64: argmin over (α, β) of the mean of (r − α·u − β·v)². */
function solve2(u: number[], v: number[], r: number[]): [number, number] {
  let uu = 0;
  let uv = 0;
  let vv = 0;
  let ur = 0;
  let vr = 0;
  for (let i = 0; i < r.length; i++) {
    uu += u[i]! * u[i]!;
    uv += u[i]! * v[i]!;
    vv += v[i]! * v[i]!;
    ur += u[i]! * r[i]!;
    vr += v[i]! * r[i]!;
  }
  const det = uu * vv - uv * uv;
  return [(vv * ur - uv * vr) / det, (uu * vr - uv * ur) / det];
}

function argmin(loss: Float64Array, resolution: number): [number, number] {
  let best = 0;
  for (let k = 1; k < loss.length; k++) if (loss[k]! < loss[best]!) best = k;
  return [best % resolution, Math.floor(best / resolution)];
}

describe('loss landscape', () => {
  it('the exact (w, b) landscape of a line fit has its minimum at the least-squares line', () => {
    const race = new Race(
      module,
      zeroUnit,
      line,
      { batch: 32, lr: 0.05 },
      [{ optimizer: 'sgd' }, { optimizer: 'adam' }],
      1,
    );
    race.step(100);
    const view = race.landscape(0, { axes: 'params', resolution: 41, span: 2 });
    const x = Array.from(line.train.x);
    const y = Array.from(line.train.y);
    const [w, b] = solve2(
      x,
      x.map(() => 1),
      y,
    );
    const [i, j] = argmin(view.loss, 41);
    const cell = 4 / 40;
    expect(Math.abs(view.a[i]! - w)).toBeLessThanOrEqual(cell);
    expect(Math.abs(view.b[j]! - b)).toBeLessThanOrEqual(cell);
    expect(view.paths).toHaveLength(2);
    const path = view.paths[0]!.points;
    expect(path[0]).toMatchObject({ step: 0, a: 0, b: 0 });
    expect(path[path.length - 1]!.step).toBe(100);
    const params = race.learner(0).stateDict();
    expect(path[path.length - 1]!.a).toBe(params[0]!.values[0]);
    expect(() => race.landscape(0, { resolution: 43 })).toThrow(/3 to 41/);
    race.dispose();
  });

  it('a filter-normalised random slice of a quadratic bowl has its minimum where least squares says', async () => {
    const race = new Race(
      module,
      single,
      plane,
      { batch: 32, lr: 0.01 },
      [{ optimizer: 'adam' }],
      3,
    );
    race.step(50);
    const before = await race.hashes();
    const learner = race.learner(0);
    const resolution = 41;
    const span = 1.5;
    const view = race.landscape(0, { resolution, span });
    expect(await race.hashes()).toEqual(before);
    expect(view.loss[(resolution * resolution - 1) / 2]).toBeCloseTo(view.centerLoss, 10);

    // Rebuild the directions' effect: the slice moves only the weights, so the loss along it is
    // the MSE of r = y − (x·w + bias) against α·(x·d1) + β·(x·d2). Read d1 and d2 back off the grid.
    const [wRow] = learner.stateDict();
    const wv = Array.from(wRow!.values);
    const bias = learner.stateDict()[1]!.values[0]!;
    const n = plane.train.n;
    const inputs = plane.inputs;
    const X = (row: number, k: number): number => plane.train.x[row * inputs + k]!;
    const r = Array.from(
      { length: n },
      (_, i) => plane.train.y[i]! - (X(i, 0) * wv[0]! + X(i, 1) * wv[1]!) - bias,
    );
    // The directions, from the kernel stream as the race draws them, filter-normalised.
    const { kernelRandom } = await import('../../src/data/random.js');
    const rand = kernelRandom(module, 3);
    const dirs = [0, 1].map(() => {
      const d = [rand.normal(), rand.normal()];
      const s = Math.hypot(wv[0]!, wv[1]!) / Math.hypot(d[0]!, d[1]!);
      return d.map((v) => v * s);
    });
    const u = Array.from({ length: n }, (_, i) => X(i, 0) * dirs[0]![0]! + X(i, 1) * dirs[0]![1]!);
    const v = Array.from({ length: n }, (_, i) => X(i, 0) * dirs[1]![0]! + X(i, 1) * dirs[1]![1]!);
    const [alpha, beta] = solve2(u, v, r);
    const [i, j] = argmin(view.loss, resolution);
    const cell = (2 * span) / (resolution - 1);
    expect(Math.abs(alpha)).toBeLessThan(span);
    expect(Math.abs(beta)).toBeLessThan(span);
    expect(Math.abs(view.a[i]! - alpha)).toBeLessThanOrEqual(cell);
    expect(Math.abs(view.b[j]! - beta)).toBeLessThanOrEqual(cell);
    const path = view.paths[0]!.points;
    expect(path[path.length - 1]).toMatchObject({ step: 50, a: 0, b: 0 });
    race.dispose();
  });
});

describe('the race through the trainer API over a message channel', () => {
  const channel = new MessageChannel();
  Comlink.expose(
    createTrainer(() => loadKernelModule('simd')),
    channel.port1,
  );
  const trainer = Comlink.wrap<TrainerApi>(channel.port2);
  afterAll(() => {
    trainer[Comlink.releaseProxy]();
    channel.port1.close();
    channel.port2.close();
  });

  it('gives the same numbers as a race made directly, beside the single learner', async () => {
    await trainer.create(small, { name: 'moons', seed: 3 }, { optimizer: 'sgd' }, 5);
    const info = await trainer.raceCreate(
      small,
      { name: 'moons', seed: 3 },
      { batch: 16, lr: 0.02 },
      [{ optimizer: 'sgd' }, { optimizer: 'adam' }],
      5,
      { snapshotEvery: 10 },
    );
    expect(info.lanes.map((l) => l.options.optimizer)).toEqual(['sgd', 'adam']);
    expect(new Set(info.startHashes).size).toBe(1);
    expect(info.totalParams).toBe(2 * 8 + 8 + 8 + 1);
    const steps = await trainer.raceStep(60);
    expect(steps.map((s) => s.step)).toEqual([60, 60]);
    expect(await trainer.raceBranch(1, 35, { optimizer: 'sgd', lr: 0.1 })).toBe(2);
    await trainer.raceStep(15);
    expect(await trainer.raceRewind(0, 44)).toBe(40);
    const curves = await trainer.raceCurves();
    const updates = await trainer.raceUpdates(1);
    const snapshots = await trainer.raceSnapshots();
    const tree = await trainer.raceTree();
    const landscape = await trainer.raceLandscape(1, { resolution: 5, span: 0.5 });
    const hashes = await trainer.raceHashes();

    const direct = new Race(
      module,
      small,
      moons,
      { batch: 16, lr: 0.02 },
      [{ optimizer: 'sgd' }, { optimizer: 'adam' }],
      5,
      { snapshotEvery: 10 },
    );
    expect(await direct.startHashes()).toEqual(info.startHashes);
    direct.step(60);
    direct.branch(1, 35, { optimizer: 'sgd', lr: 0.1 });
    direct.step(15);
    direct.rewind(0, 44);
    expect(curves).toEqual(direct.curves());
    expect(updates).toEqual(direct.updates(1));
    expect(snapshots).toEqual(direct.snapshots());
    expect(tree).toEqual(direct.tree());
    expect(landscape).toEqual(direct.landscape(1, { resolution: 5, span: 0.5 }));
    expect(hashes).toEqual(await direct.hashes());
    direct.dispose();

    // The single learner is still there, untouched by the race.
    expect((await trainer.step(10)).step).toBe(10);
    await trainer.raceDispose();
    await expect(trainer.raceCurves()).rejects.toThrow(/no race/);
  });
});
