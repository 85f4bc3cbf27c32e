import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeHash,
  encodeShare,
  MAX_HASH_LENGTH,
  type SharedState,
} from '../../src/game/state/share.js';
import { encodeTeacher } from '../../src/game/state/teacher.js';
import { ACTIVATIONS, INITS, type LayerSpec, type ModelSpec } from '../../src/engine/spec.js';
import { DEFAULT_OPTIONS, OPTIMIZERS, type TrainOptions } from '../../src/engine/options.js';

const xor: ModelSpec = {
  layers: [
    { type: 'dense', units: 4, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};

function state(
  over: { spec?: ModelSpec; options?: Partial<TrainOptions>; seed?: number } = {},
): SharedState {
  return {
    levelId: 'c2-xor',
    data: null,
    draft: {
      spec: over.spec ?? xor,
      options: { ...DEFAULT_OPTIONS, lr: 0.03, ...over.options },
      seed: over.seed ?? 7,
    },
  };
}

function roundTrip(s: SharedState): void {
  const hash = encodeShare(s);
  const decoded = decodeHash(`#${hash}`);
  expect(decoded.notice, hash).toBeNull();
  expect(decoded.state, hash).toStrictEqual(s);
}

/** A small deterministic generator so the many drafts are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('encodeShare', () => {
  it('writes the readable form, by name', () => {
    expect(encodeShare(state())).toBe(
      'level=c2-xor&layers=dense:4:tanh,dense:1&optimizer=adam&lr=0.03&batch=32&l2=0&seed=7',
    );
  });

  it('writes dropout, activation layers, inits, inputs, loss and the sandbox form', () => {
    const spec: ModelSpec = {
      inputs: 2,
      loss: 'mse',
      layers: [
        { type: 'dense', units: 16, activation: 'relu', init: 'he_normal' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 8, init: 'xavier_normal' },
        { type: 'activation', activation: 'leaky_relu' },
        { type: 'dense', units: 1 },
      ],
    };
    const s: SharedState = {
      ...state({ spec, options: { optimizer: 'sgd', lr: 1e-7 } }),
      levelId: null,
      data: 'spiral',
    };
    expect(encodeShare(s)).toBe(
      'data=spiral&layers=dense:16:relu:he_normal,dropout:0.2,dense:8:xavier_normal,leaky_relu,dense:1' +
        '&inputs=2&loss=mse&optimizer=sgd&lr=1e-7&batch=32&l2=0&seed=7',
    );
  });

  it('writes the other options only when they differ from the defaults', () => {
    const hash = encodeShare(
      state({ options: { optimizer: 'momentum', momentum: 0.5, nesterov: true } }),
    );
    expect(hash).toContain('&momentum=0.5&nesterov=true&');
    expect(hash).not.toContain('beta1');
  });
});

describe('share round trip', () => {
  it('round-trips every activation, in dense layers and as blocks', () => {
    for (const activation of ACTIVATIONS) {
      roundTrip(
        state({
          spec: {
            layers: [
              { type: 'dense', units: 3, activation },
              { type: 'dense', units: 1 },
            ],
          },
        }),
      );
      roundTrip(
        state({
          spec: {
            layers: [
              { type: 'dense', units: 3 },
              { type: 'activation', activation },
            ],
          },
        }),
      );
    }
  });

  it('round-trips every init, with and without an activation', () => {
    for (const init of INITS) {
      roundTrip(state({ spec: { layers: [{ type: 'dense', units: 3, init }] } }));
      roundTrip(
        state({ spec: { layers: [{ type: 'dense', units: 3, activation: 'relu', init }] } }),
      );
    }
  });

  it('round-trips a head tied to the embedding', () => {
    roundTrip(
      state({
        spec: {
          layers: [
            { type: 'embedding', dim: 8 },
            { type: 'dense', units: 27, tied: true },
          ],
        },
      }),
    );
  });

  it('round-trips every optimizer with every non-default option', () => {
    for (const optimizer of OPTIMIZERS) {
      roundTrip(
        state({
          options: {
            optimizer,
            lr: 0.123456789,
            batch: 4096,
            l2: 10,
            clip: 1e6,
            momentum: 0.999999,
            nesterov: true,
            beta1: 0,
            beta2: 0.5,
            alpha: 0.1,
            eps: 1e-12,
            weightDecay: 1,
          },
        }),
      );
    }
  });

  it('round-trips extreme but valid numbers', () => {
    roundTrip(state({ options: { lr: 1e-7, batch: 1, l2: 0 }, seed: 0 }));
    roundTrip(state({ options: { lr: 10, l2: 1e-300, eps: 1 }, seed: 0xffffffff }));
    roundTrip(state({ options: { lr: 0.1 + 0.2, l2: 5e-324 } }));
    roundTrip(state({ options: { l2: -0 } }));
    roundTrip(
      state({
        spec: {
          inputs: 4096,
          layers: [
            { type: 'dense', units: 1 },
            { type: 'dropout', rate: 0.9999999999 },
            { type: 'dense', units: 900 },
          ],
        },
      }),
    );
    roundTrip(
      state({
        spec: {
          layers: Array.from({ length: 64 }, () => ({ type: 'dense', units: 8 }) as LayerSpec),
        },
      }),
    );
  });

  it('round-trips the sandbox form', () => {
    roundTrip({ ...state(), levelId: null, data: 'breast-cancer' });
  });

  it('round-trips 500 generated drafts', () => {
    const rand = lcg(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    for (let n = 0; n < 500; n++) {
      const layers: LayerSpec[] = [];
      const count = 1 + Math.floor(rand() * 6);
      for (let i = 0; i < count; i++) {
        const kind = rand();
        if (kind < 0.6) {
          const layer: LayerSpec = { type: 'dense', units: 1 + Math.floor(rand() * 64) };
          if (rand() < 0.7) layer.activation = pick(ACTIVATIONS);
          if (rand() < 0.3) layer.init = pick(INITS);
          layers.push(layer);
        } else if (kind < 0.8) {
          layers.push({ type: 'dropout', rate: Math.floor(rand() * 1000) / 1000 });
        } else {
          layers.push({ type: 'activation', activation: pick(ACTIVATIONS) });
        }
      }
      const spec: ModelSpec = { layers };
      if (rand() < 0.2) spec.inputs = 1 + Math.floor(rand() * 10);
      if (rand() < 0.2) spec.loss = pick(['mse', 'bce', 'cce'] as const);
      const options: TrainOptions = {
        ...DEFAULT_OPTIONS,
        optimizer: pick(OPTIMIZERS),
        lr: 1e-7 + rand() * 9.9,
        batch: 1 + Math.floor(rand() * 4096),
        l2: rand() < 0.5 ? 0 : rand() * 10,
        clip: rand() < 0.7 ? 0 : rand() * 100,
        momentum: rand() < 0.7 ? 0.9 : rand(),
        nesterov: rand() < 0.2,
        beta1: rand() < 0.7 ? 0.9 : rand(),
        beta2: rand() < 0.7 ? 0.999 : rand(),
        weightDecay: rand() < 0.7 ? 0.01 : rand(),
      };
      const sandbox = rand() < 0.3;
      roundTrip({
        levelId: sandbox ? null : `c${n % 9}-level-${n}`,
        data: sandbox ? pick(['xor', 'spiral', 'iris', 'moons']) : null,
        draft: { spec, options, seed: Math.floor(rand() * 2 ** 32) },
      });
    }
  });
});

describe('decodeHash: links that are fine', () => {
  it('gives nothing for an empty hash', () => {
    for (const hash of ['', '#']) {
      expect(decodeHash(hash)).toMatchObject({ state: null, notice: null, target: null });
    }
  });

  it('accepts a hand-written short link: missing options take defaults, missing seed is 1', () => {
    const decoded = decodeHash('level=c1-line&layers=dense:1');
    expect(decoded.notice).toBeNull();
    expect(decoded.state).toStrictEqual({
      levelId: 'c1-line',
      data: null,
      draft: { spec: { layers: [{ type: 'dense', units: 1 }] }, options: DEFAULT_OPTIONS, seed: 1 },
    });
  });

  it('accepts %-escaped text and a plus in an exponent', () => {
    const decoded = decodeHash(
      'level=c1-line&layers=dense%3A4%3Atanh%2Cdense%3A1&lr=1e%2B0&l2=2e+0',
    );
    expect(decoded.notice).toBeNull();
    expect(decoded.state?.draft.options.lr).toBe(1);
    expect(decoded.state?.draft.options.l2).toBe(2);
  });

  it('reads teacher flags next to the draft, and alone', () => {
    const withDraft = decodeHash(`#${encodeShare(state())}&hide=optimizer,batch&lock=lr,layers`);
    expect(withDraft.state).toStrictEqual(state());
    expect([...withDraft.teacher.hide]).toEqual(['optimizer', 'batch']);
    expect([...withDraft.teacher.lock]).toEqual(['lr', 'layers']);
    const alone = decodeHash('#hide=seed');
    expect(alone).toMatchObject({ state: null, notice: null });
    expect(alone.teacher.hide.has('seed')).toBe(true);
  });

  it('keeps the draft when only a teacher control name is unknown', () => {
    const decoded = decodeHash(`${encodeShare(state())}&hide=optimiser,batch`);
    expect(decoded.state).toStrictEqual(state());
    expect(decoded.notice).toMatch(/"optimiser", which is not a control/);
    expect(decoded.teacher.hide.has('batch')).toBe(true);
  });
});

const good = 'level=c2-xor&layers=dense:4:tanh,dense:1&optimizer=adam&lr=0.03&batch=32&l2=0&seed=7';
const swap = (key: string, value: string): string =>
  good.replace(new RegExp(`${key}=[^&]*`), `${key}=${value}`);

describe('decodeHash: bad links get a notice and no draft', () => {
  const cases: [string, string, RegExp][] = [
    [
      'NaN learning rate',
      swap('lr', 'NaN'),
      /has a learning rate of NaN; it must be a number from 1e-7 to 10\. Opening that level with its own starting network instead\.$/,
    ],
    [
      'learning rate as text',
      swap('lr', 'fast'),
      /learning rate of "fast"; it must be a number from 1e-7 to 10/,
    ],
    ['empty learning rate', swap('lr', ''), /learning rate of ""/],
    ['hex learning rate', swap('lr', '0x1'), /learning rate of "0x1"/],
    [
      'too small learning rate',
      swap('lr', '1e-8'),
      /learning rate of 1e-8; it must be a number from 1e-7 to 10/,
    ],
    ['infinite learning rate', swap('lr', 'Infinity'), /learning rate of Infinity/],
    [
      'fractional batch',
      swap('batch', '1.5'),
      /batch size of 1\.5; it must be an integer from 1 to 4096/,
    ],
    [
      'huge batch',
      swap('batch', '100000'),
      /batch size of 100000; it must be an integer from 1 to 4096/,
    ],
    ['negative l2', swap('l2', '-1'), /L2 penalty of -1; it must be a number from 0 to 10/],
    [
      'unknown optimizer',
      swap('optimizer', 'lion'),
      /optimizer of "lion"; it must be one of sgd, momentum, rmsprop, adam, adamw/,
    ],
    ['bad nesterov', `${good}&nesterov=yes`, /Nesterov setting of "yes"; it must be true or false/],
    [
      'bad momentum',
      `${good}&momentum=1`,
      /momentum of 1; it must be a number from 0 up to \(not including\) 1/,
    ],
    ['negative seed', swap('seed', '-1'), /seed of -1; it must be an integer from 0 to 4294967295/],
    ['seed too large', swap('seed', '4294967296'), /seed of 4294967296/],
    ['unknown key', `${good}&speed=2`, /unknown setting "speed"/],
    ['repeated key', `${good}&lr=0.1`, /sets "lr" more than once/],
    ['broken escape', `${good}&x=%E0%A4%A`, /broken %-escape/],
    [
      'unknown layer',
      swap('layers', 'conv:3,dense:1'),
      /unknown layer "conv:3" as layer 1; layers are written/,
    ],
    [
      'unknown activation',
      swap('layers', 'dense:4:swish,dense:1'),
      /unknown activation "swish" in layer 1 \("dense:4:swish"\); known activations: identity/,
    ],
    [
      'two activations',
      swap('layers', 'dense:4:relu:tanh'),
      /unknown activation "tanh" in layer 1/,
    ],
    [
      'bare activation with an argument',
      swap('layers', 'relu:2,dense:1'),
      /unknown layer "relu:2"/,
    ],
    ['dense without units', swap('layers', 'dense'), /unit count of nothing in layer 1/],
    ['empty layer', swap('layers', 'dense:4,,dense:1'), /empty layer 2/],
    ['no layers', swap('layers', ''), /has no network/],
    [
      'only an unknown key',
      'levle=c2-xor',
      /^The shared link has an unknown setting "levle" \(known: [^)]*\)\. Starting from the default network instead\.$/,
    ],
    [
      'zero units',
      swap('layers', 'dense:4,dense:0'),
      /unit count of 0 in layer 2; it must be an integer from 1 to 4096/,
    ],
    [
      'absurd units',
      swap('layers', 'dense:99999999,dense:1'),
      /unit count of 99999999 in layer 1; it must be an integer from 1 to 4096/,
    ],
    ['units as text', swap('layers', 'dense:four'), /unit count of "four" in layer 1/],
    [
      'dropout rate 1',
      swap('layers', 'dense:4,dropout:1,dense:1'),
      /dropout rate of 1 in layer 2; it must be a number from 0 up to \(not including\) 1/,
    ],
    [
      'too many layers',
      swap('layers', Array(65).fill('dense:2').join(',')),
      /network may hold at most 64 layers, got 65/,
    ],
    [
      'too many parameters',
      swap('layers', 'dense:4096,dense:4096,dense:1'),
      /holds at least 16793601 parameters; the limit is 4000000/,
    ],
    ['bad inputs', `${good}&inputs=0`, /input count of 0; it must be an integer from 1 to 4096/],
    ['bad loss', `${good}&loss=hinge`, /loss of "hinge"; it must be one of mse, bce, cce/],
    ['no network', 'level=c2-xor&lr=0.1', /has no network \(layers=…\)/],
    ['no level or data', 'layers=dense:1', /names no level .*, data set .* or CSV file/],
    [
      'both level and data',
      `${good}&data=xor`,
      /names more than one of a level, a data set and a CSV file/,
    ],
    [
      'level id with capitals',
      swap('level', 'C2-XOR'),
      /names a level "C2-XOR", which is not a level name/,
    ],
    ['level id too long', swap('level', 'a'.repeat(41)), /which is not a level name/],
    ['level id with a slash', swap('level', '..%2Fetc'), /names a level "..\/etc"/],
    [
      'data name with a space',
      'data=my%20data&layers=dense:1',
      /names a data set "my data", which is not a data set name/,
    ],
    ['a far too long link', `${good}&${'x'.repeat(MAX_HASH_LENGTH)}`, /too long/],
  ];
  it.each(cases)('%s', (_name, hash, message) => {
    const decoded = decodeHash(`#${hash}`);
    expect(decoded.state).toBeNull();
    expect(decoded.notice).toMatch(message);
    expect(decoded.notice).toMatch(
      /(Starting from the default network|Opening (that level|the sandbox) with its own starting network) instead\./,
    );
  });

  it('names every problem at once', () => {
    const notice = decodeHash(swap('lr', 'NaN').replace('batch=32', 'batch=0')).notice ?? '';
    expect(notice).toMatch(/learning rate of NaN/);
    expect(notice).toMatch(/batch size of 0/);
    expect(notice.match(/with its own starting network instead/g)).toHaveLength(1);
  });

  it('still points at the level or data set when the draft is refused', () => {
    expect(decodeHash(swap('lr', 'NaN')).target).toEqual({ levelId: 'c2-xor', data: null });
    const sandbox = decodeHash('data=spiral&layers=dense:0');
    expect(sandbox.target).toEqual({ levelId: null, data: 'spiral' });
    expect(sandbox.notice).toMatch(/Opening the sandbox with its own starting network/);
    expect(decodeHash(swap('level', 'BAD')).target).toBeNull();
  });

  it('keeps teacher flags when the draft is refused', () => {
    const decoded = decodeHash(`${swap('lr', 'NaN')}&lock=lr&hide=warp`);
    expect(decoded.state).toBeNull();
    expect(decoded.teacher.lock.has('lr')).toBe(true);
    expect(decoded.notice).toMatch(/learning rate of NaN.*Opening that level.*"warp"/);
  });

  it('teacher links built with encodeTeacher decode to the same flags', () => {
    const flags = { hide: new Set(['speed', 'l2'] as const), lock: new Set(['seed'] as const) };
    const decoded = decodeHash(`${encodeShare(state())}&${encodeTeacher(flags)}`);
    expect(decoded.teacher).toEqual(flags);
  });
});

describe('docs/sharing.md', () => {
  it('every example link in the docs decodes without a notice', () => {
    const text = readFileSync(new URL('../../docs/sharing.md', import.meta.url), 'utf8');
    const links = text
      .split('\n')
      .filter((line) => line.startsWith('#level=') || line.startsWith('#data='));
    expect(links.length).toBeGreaterThanOrEqual(5);
    for (const link of links) {
      const decoded = decodeHash(link);
      expect(decoded.notice, link).toBeNull();
      expect(decoded.state, link).not.toBeNull();
    }
  });
});

describe('the links in docs/sharing.md', () => {
  it('open as written: no notice, and nothing the workbench would have to change', async () => {
    const { readFileSync } = await import('node:fs');
    const { levelById, rulesOf, sandboxRules, conformSetup } =
      await import('../../src/levels/index.js');
    const { namedDataShape } = await import('../../src/data/index.js');
    const doc = readFileSync(new URL('../../docs/sharing.md', import.meta.url), 'utf8');
    const links = doc.split('\n').filter((l) => /^#(level|data)=.*layers=/.test(l));
    expect(links.length).toBeGreaterThanOrEqual(5);
    for (const link of links) {
      const decoded = decodeHash(link);
      expect(decoded.notice, link).toBeNull();
      const state = decoded.state!;
      const rules = state.levelId
        ? rulesOf(levelById(state.levelId)!)
        : sandboxRules(namedDataShape(state.data!)!);
      expect(conformSetup(rules, state.draft).changes, link).toEqual([]);
    }
  });
});

describe('sandbox links: Playground data, view and feature settings', () => {
  const sandbox = (over: Partial<SharedState> = {}): SharedState => ({
    levelId: null,
    data: 'circles',
    draft: {
      spec: { layers: [{ type: 'dense', units: 1 }], features: ['x1x1', 'x2x2'] },
      options: { ...DEFAULT_OPTIONS, lr: 0.03, l1: 0.003 },
      seed: 2,
    },
    ...over,
  });

  it('writes points, noise, training share, data seed, check boxes and features by name', () => {
    const hash = encodeShare(
      sandbox({
        dataOptions: { n: 400, noise: 0.25, train: 0.5, seed: 3 },
        view: { showTest: true, discretize: true },
      }),
    );
    expect(hash).toBe(
      'data=circles&layers=dense:1&features=x1x1,x2x2&optimizer=adam&lr=0.03&batch=32&l2=0&l1=0.003&seed=2&points=400&noise=0.25&train=0.5&dataseed=3&testdata=1&discretize=1',
    );
  });

  it('round-trips them, and leaves out what is not set', () => {
    roundTrip(sandbox({ dataOptions: { n: 50, noise: 0, train: 0.1, seed: 0 } }));
    roundTrip(
      sandbox({ dataOptions: { noise: 0.5 }, view: { showTest: true, discretize: false } }),
    );
    roundTrip(sandbox());
    expect(encodeShare(sandbox())).not.toMatch(/points|noise|train=|dataseed|testdata|discretize/);
  });

  const bad: [string, string, RegExp][] = [
    ['noise above 50%', 'noise=0.6', /a noise level of "0\.6"; it must be a number from 0 to 0\.5/],
    ['noise as NaN', 'noise=NaN', /a noise level of "NaN"/],
    [
      'share below 10%',
      'train=0.05',
      /a training share of "0\.05"; it must be a number from 0\.1 to 0\.9/,
    ],
    [
      'fractional points',
      'points=100.5',
      /a number of points of "100\.5"; it must be an integer from 50 to 2000/,
    ],
    ['too many points', 'points=1000000', /a number of points of "1000000"/],
    ['negative data seed', 'dataseed=-1', /a data seed of "-1"; it must be an integer from 0/],
    ['a check box not 0 or 1', 'testdata=yes', /testdata="yes"; it must be 1 \(on\) or 0 \(off\)/],
    ['an unknown feature', 'features=x3', /feature input list/],
    ['a repeated feature', 'features=x1,x1', /features\[1\] repeats "x1"/],
  ];
  for (const [what, part, message] of bad) {
    it(`refuses ${what}, naming the field and what is allowed`, () => {
      const decoded = decodeHash(`#data=circles&layers=dense:1&${part}`);
      expect(decoded.state).toBeNull();
      expect(decoded.notice).toMatch(message);
      expect(decoded.target).toEqual({ levelId: null, data: 'circles' });
    });
  }

  it('puts a level link’s data settings in its draft, and refuses a data seed there', () => {
    const decoded = decodeHash('#level=c2-circles&layers=dense:4:tanh,dense:1&noise=0.2');
    expect(decoded.notice).toBeNull();
    expect(decoded.state?.draft.data).toEqual({ noise: 0.2 });
    expect(encodeShare(decoded.state!)).toMatch(/&noise=0\.2$/);
    const reseeded = decodeHash('#level=c2-circles&layers=dense:4:tanh,dense:1&dataseed=3');
    expect(reseeded.state).toBeNull();
    expect(reseeded.notice).toMatch(/sets "dataseed", which only the sandbox has/);
  });
});
