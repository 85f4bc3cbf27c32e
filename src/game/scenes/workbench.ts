/**
 * The Workbench: where the player builds a network from the blocks a level allows and sets the
 * training options it opens. Each layer shows its output shape, parameter count with the
 * formula and multiply-adds (from the engine's `buildNetwork`, never computed here); meters
 * compare the totals with the level's star budget and its parameter and multiply-add budgets;
 * the level's rules (`checkSpec`) and the engine's shape checks are listed in words and block
 * "Train" until fixed; the data itself is drawn small on the left.
 * Every edit updates the address bar.
 *
 * What it shows is what trains: an incoming draft (a share or teacher link, a kept solution, a
 * retry) first goes through `conformSetup`, which puts every value the level does not allow back
 * to the level's own and says so in a notice.
 *
 * Entered from the Briefing (levelId), the Result ("retry", with a draft), a share link, or the
 * Sandbox (levelId null, with data). Leaves for Training with {levelId, draft, data}.
 */
import * as Phaser from 'phaser';
import type { LayerSpec, TaskShape } from '../../engine/spec.js';
import type { DataRequest } from '../../engine/trainer.js';
import {
  conformSetup,
  dataRequest,
  levelById,
  rulesOf,
  sandboxRules,
  startSetup,
  type WorkbenchRules,
} from '../../levels/index.js';
import type { Level } from '../../levels/types.js';
import { dataShape } from '../data-shape.js';
import { ghostFor } from '../ghost.js';
import { BLOCK_HEIGHT, BLOCK_WIDTH, LayerBlock } from '../objects/layer-block.js';
import {
  addNotice,
  classFixed,
  reportWorkbench,
  services,
  takeNotices,
  teacherFlags,
} from '../services.js';
import { classLocks } from '../../levels/locks.js';
import { runAddress, showAddress } from '../state/address.js';
import { isEditable, type Control } from '../state/teacher.js';
import { COLORS, CSS, HEIGHT, RADIUS, TEXT, WIDTH, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { Notice } from '../ui/notice.js';
import { buildSettings } from '../objects/settings-panel.js';
import { assessDraft, blockInfo, contextLine } from '../objects/network-facts.js';
import { stackLevels } from '../objects/cost-text.js';
import { SCENES, type Draft, type LabData, type SandboxData, type WorkbenchData } from './keys.js';
import type { ViewFlags } from '../state/share.js';
import { onKeyDown } from '../ui/keys.js';
import { buildFeatureChips } from '../objects/feature-chips.js';
import { BudgetPanel } from '../objects/budget-panel.js';
import { outputLine, workbenchGoal } from './workbench-text.js';
import { DataPanel } from './workbench-data.js';
import { Palette } from './workbench-palette.js';

const STACK_X = 318;
const STACK_TOP = 132;
const SIDE_X = 800;

export class Workbench extends Phaser.Scene {
  private level: Level | null = null;
  private dataRequest: DataRequest | undefined;
  /** The sandbox's view check boxes, carried to Training and kept in the link. */
  private view: ViewFlags | undefined;
  private shape: TaskShape | null = null;
  private rules!: WorkbenchRules;
  private draft!: Draft;
  /** Training rows of the data, once the preview is in: a batch may not be larger. */
  private trainRows: number | null = null;
  private blocks: LayerBlock[] = [];
  private focusBase = 0;
  private problemsText!: Phaser.GameObjects.Text;
  private trainButton!: Button;
  private labButton: Button | null = null;
  private palette!: Palette;
  private budget!: BudgetPanel;
  private outputText!: Phaser.GameObjects.Text;
  private problems: string[] = [];

  constructor() {
    super(SCENES.workbench);
  }

  init(data: WorkbenchData): void {
    this.level = data.levelId ? (levelById(data.levelId) ?? null) : null;
    this.view = this.level ? undefined : data.view;
    this.blocks = [];
    this.problems = [];
    try {
      const request = this.level ? dataRequest(this.level) : data.data;
      this.shape = request ? dataShape(request) : null;
    } catch {
      this.shape = null;
    }
    this.rules = this.level ? rulesOf(this.level) : sandboxRules(this.shape);
    this.trainRows = null;
    const incoming = data.draft ?? startSetup(this.rules);
    const conformed = conformSetup(this.rules, incoming);
    // On a class level, what the class hides or locks keeps the level's starting value.
    const locked = classLocks(this.rules, classFixed(this.level?.id ?? null), conformed.setup);
    const setup = locked.setup;
    const changes = [...conformed.changes, ...locked.changes];
    if (changes.length) {
      const what = data.source === 'save' ? 'This saved run' : 'The link';
      addNotice(
        `${what} asked for more than ${this.level ? 'this level' : 'the sandbox'} allows, so the workbench shows what will train:\n• ${changes.join('\n• ')}`,
      );
    }
    this.draft = setup;
    this.dataRequest = this.level ? dataRequest(this.level, setup.data) : data.data;
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    const focus = FocusManager.for(this);
    const level = this.level;

    new Button(this, {
      x: 24,
      y: 16,
      label: level ? 'Map' : 'Data',
      icon: 'back',
      tooltip: level ? 'Back to the journey map' : 'Back to choosing the data',
      onClick: () =>
        level
          ? this.scene.start(SCENES.map)
          : this.scene.start(SCENES.sandbox, this.sandboxReturn()),
      variant: 'ghost',
    });
    this.add.text(130, 14, level ? level.title : 'Sandbox', textStyle(TEXT.title, CSS.text, 600));
    this.add.text(130, 50, workbenchGoal(this.level), textStyle(TEXT.small, CSS.textDim));

    // Left: the palette and the budget.
    this.panel(16, 84, 282, 620);
    this.add.text(32, 96, 'Blocks', textStyle(TEXT.label, CSS.text, 600));
    this.palette = new Palette(this, {
      rules: this.rules,
      hidden: teacherFlags(this.level?.id ?? null).hide,
      editable: (control) => this.editable(control),
      newDense: () => this.newDense(),
      add: (layer) => this.addLayer(layer),
      drop: (layer, x, y) => this.dropLayer(layer, x, y),
    });
    // The cost and the data go below the palette (lower when it has more than two rows).
    const blocks = this.rules.blocks;
    this.budget = new BudgetPanel(this, {
      x: 32,
      y: 250 + this.palette.extra,
      width: 250,
      starParams: this.level?.stars.params ?? null,
      ...(blocks.maxParams !== undefined ? { maxParams: blocks.maxParams } : {}),
      ...(blocks.maxMacs !== undefined ? { maxMacs: blocks.maxMacs } : {}),
      images: (this.shape?.inputShape?.length ?? 1) === 3,
    });
    const teacher = teacherFlags(this.level?.id ?? null);
    new DataPanel(this, {
      y: 250 + this.palette.extra + this.budget.height,
      shape: this.shape,
      controls: this.rules.data,
      teacher,
      request: () => this.dataRequest,
      data: () => this.draft.data ?? {},
      onData: (chosen) => {
        if (Object.keys(chosen).length) this.draft.data = chosen;
        else delete this.draft.data;
        this.dataRequest = dataRequest(this.level!, this.draft.data);
        this.refresh();
      },
      onRows: (train) => {
        this.trainRows = train;
        this.refresh();
      },
    });

    // Middle: the stack, under its inputs (the feature inputs where the player may pick them).
    const chips = this.rules.blocks.features && !teacherFlags(null).hide.has('features');
    this.add.text(
      STACK_X,
      96,
      chips ? 'Network' : 'Your network',
      textStyle(TEXT.label, CSS.text, 600),
    );
    if (chips) {
      this.add.text(STACK_X + 84, 100, 'inputs', textStyle(TEXT.small, CSS.textDim));
      buildFeatureChips(this, {
        x: STACK_X + 132,
        y: 94,
        spec: this.draft.spec,
        locked: !this.editable('features'),
        onChange: () => this.refresh(),
      });
    } else {
      this.add
        .text(
          STACK_X + BLOCK_WIDTH,
          100,
          this.shape
            ? `input [${(this.shape.inputShape ?? [this.shape.inputs]).join(', ')}]`
            : 'input',
          textStyle(TEXT.small, CSS.data),
        )
        .setOrigin(1, 0);
    }
    this.outputText = this.add
      .text(STACK_X, 0, '', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(BLOCK_WIDTH)
      .setLineSpacing(3);
    this.focusBase = 1 + this.palette.size;
    this.draft.spec.layers.forEach((layer) =>
      this.blocks.push(this.makeBlock(layer, this.blocks.length)),
    );

    // Right: training settings.
    this.panel(SIDE_X - 16, 84, WIDTH - SIDE_X, 620);
    this.add.text(SIDE_X, 96, 'Training settings', textStyle(TEXT.label, CSS.text, 600));
    const settingsEnd = buildSettings(this, {
      x: SIDE_X,
      width: WIDTH - SIDE_X - 40,
      rules: this.rules,
      draft: this.draft,
      teacher: teacherFlags(this.level?.id ?? null),
      starSteps: this.level?.stars.steps ?? null,
      onChange: () => this.refresh(),
    });
    this.problemsText = this.add
      .text(SIDE_X, Math.max(520, settingsEnd + 16), '', textStyle(TEXT.small, CSS.warning))
      .setWordWrapWidth(WIDTH - SIDE_X - 40)
      .setLineSpacing(3);
    this.trainButton = new Button(this, {
      x: WIDTH - 24 - 200,
      y: HEIGHT - 24 - 52,
      width: 200,
      height: 52,
      label: 'Train',
      icon: 'play',
      variant: 'primary',
      tooltip: 'Start training this network (Enter)',
      onClick: () => this.train(),
    });

    this.labButton = new Button(this, {
      x: WIDTH - 24 - 200 - 16 - 220,
      y: HEIGHT - 24 - 52,
      width: 220,
      height: 52,
      label: 'Optimizer lab',
      icon: 'play',
      tooltip: 'Race this network with up to four optimizers from the same start',
      onClick: () => this.openLab(),
    });

    onKeyDown(this, (event) => {
      const current = FocusManager.peek(this)?.current;
      if (current instanceof LayerBlock && current.key(event)) event.preventDefault();
    });
    this.refresh();
    focus.focus(this.blocks[0] ?? this.trainButton, false);
    // Notices about the link or the save sit at the bottom, clear of the title and the goal.
    Notice.stack(this, takeNotices(), { bottom: HEIGHT - 24, x: STACK_X, width: BLOCK_WIDTH + 20 });
    // The old way is trained in the worker now, while the player builds: ready for Training.
    if (this.level) void ghostFor(this.level).catch(() => undefined);
  }

  private editable(control: Control, levelLocked = false): boolean {
    return isEditable(control, teacherFlags(this.level?.id ?? null), levelLocked);
  }

  private makeBlock(layer: LayerSpec, index: number): LayerBlock {
    const rules = this.rules;
    const editable = layer.type === 'dropout' ? this.editable('dropout') : this.editable('layers');
    // Dense layers the level keeps: only the output layer may switch its squash on or off.
    // Layers of a type the level keeps (`blocks.keep`) stay exactly as they start.
    const kept =
      (rules.blocks.keep as readonly string[] | undefined)?.includes(layer.type) ?? false;
    const fixed = kept || (layer.type === 'dense' && !rules.blocks.dense);
    const output = this.draft.spec.layers.map((l) => l.type).lastIndexOf('dense') === index;
    const squash = rules.blocks.activations.filter((a) => a === 'sigmoid' || a === 'softmax');
    const block: LayerBlock = new LayerBlock(this, {
      x: STACK_X,
      y: this.slotY(index, this.draft.spec.layers.length),
      layer,
      activations: kept ? [] : fixed ? (output ? squash : []) : rules.blocks.activations,
      maxUnits: rules.blocks.maxUnits,
      editable,
      fixed,
      events: {
        change: (l) => {
          this.draft.spec.layers[this.blocks.indexOf(block)] = l;
          this.refresh();
        },
        remove: () => this.removeLayer(block),
        move: (delta) => this.moveLayer(block, this.blocks.indexOf(block) + delta),
        drop: (y) => this.moveLayer(block, Math.round((y - STACK_TOP) / this.spacing())),
      },
    });
    FocusManager.for(this).remove(block);
    FocusManager.for(this).add(block, this.focusBase + index);
    return block;
  }

  private spacing(n = this.draft.spec.layers.length): number {
    return Math.max(
      BLOCK_HEIGHT + 4,
      Math.min(BLOCK_HEIGHT + 12, (HEIGHT - 60 - STACK_TOP) / Math.max(n, 1)),
    );
  }

  private slotY(index: number, n: number): number {
    return STACK_TOP + index * this.spacing(n);
  }

  private newDense(): LayerSpec {
    const hidden = this.rules.blocks.activations.filter((a) => a !== 'softmax');
    return { type: 'dense', units: 4, activation: hidden[0] ?? 'relu' };
  }

  /** A block dragged from the palette: dropped on the stack it goes where it was let go. */
  private dropLayer(layer: LayerSpec, x: number, y: number): void {
    if (x < STACK_X - 20 || x > STACK_X + BLOCK_WIDTH + 20) return;
    const n = this.draft.spec.layers.length;
    this.addLayer(layer, Math.max(0, Math.min(n, Math.round((y - STACK_TOP) / this.spacing()))));
  }

  /**
   * Adds a layer at `at`, or by default just before the output layer, so the network keeps its
   * output width.
   */
  private addLayer(layer: LayerSpec, at?: number): void {
    const layers = this.draft.spec.layers;
    if (layers.length >= this.rules.blocks.maxLayers) {
      this.problemsText.setText(
        `⚠ This level allows at most ${this.rules.blocks.maxLayers} layers.`,
      );
      return;
    }
    const lastDense = layers.map((l) => l.type).lastIndexOf('dense');
    at ??= lastDense < 0 ? layers.length : lastDense;
    layers.splice(at, 0, layer);
    const block = this.makeBlock(layer, at);
    this.blocks.splice(at, 0, block);
    this.relayout();
    FocusManager.for(this).focus(block);
  }

  private removeLayer(block: LayerBlock): void {
    const i = this.blocks.indexOf(block);
    if (i < 0 || this.blocks.length <= 1) return;
    this.blocks.splice(i, 1);
    this.draft.spec.layers.splice(i, 1);
    block.destroy();
    this.relayout();
    const next = this.blocks[Math.min(i, this.blocks.length - 1)];
    if (next) FocusManager.for(this).focus(next);
  }

  private moveLayer(block: LayerBlock, to: number): void {
    const from = this.blocks.indexOf(block);
    const target = Phaser.Math.Clamp(to, 0, this.blocks.length - 1);
    if (from >= 0 && target !== from) {
      const [layer] = this.draft.spec.layers.splice(from, 1);
      this.draft.spec.layers.splice(target, 0, layer!);
      this.blocks.splice(from, 1);
      this.blocks.splice(target, 0, block);
    }
    this.relayout();
    FocusManager.for(this).focus(block);
  }

  /** Slides every block to its slot and brings the Tab order in line with the stack. */
  private relayout(): void {
    const focus = FocusManager.for(this);
    const current = focus.current;
    const n = this.blocks.length;
    this.blocks.forEach((b, i) => {
      b.slideTo(this.slotY(i, n));
      focus.remove(b);
      focus.add(b, this.focusBase + i);
    });
    if (current) focus.focus(current);
    this.refresh();
  }

  /** Rebuilds everything derived from the draft: block facts, meters, problems, hash. */
  private refresh(): void {
    const spec = this.draft.spec;
    const { network, problems, perLayer } = assessDraft(
      this.rules,
      this.shape,
      spec,
      this.draft.options.batch,
      this.trainRows,
    );
    // One wording for the whole stack: the fullest each block's second row can take.
    const infos = this.blocks.map((_, i) => (network ? blockInfo(network, i) : null));
    const levels = stackLevels(
      this.blocks.map((block, i) => block.fit(infos[i] ?? null, perLayer.get(i) ?? null)),
    );
    this.blocks.forEach((block, i) =>
      block.setInfo(infos[i] ?? null, perLayer.get(i) ?? null, levels[i]),
    );
    const n = this.blocks.length;
    const outY = this.slotY(n, n) - 4;
    const context =
      network && this.shape ? contextLine(network, this.shape, this.draft.options.batch) : null;
    this.outputText
      .setY(outY)
      .setText(context ? `${outputLine(this.shape)}\n${context}` : outputLine(this.shape));
    this.budget.show(network?.totalParams ?? null, network?.totalMacs ?? null);
    this.problems = problems;
    this.problemsText.setText(problems.length ? problems.map((p) => `⚠ ${p}`).join('\n') : '');
    this.trainButton.setDisabled(problems.length > 0);
    this.labButton?.setDisabled(problems.length > 0);
    this.trainButton.setTooltip(
      problems.length ? 'Fix the problems listed above first' : 'Start training this network',
    );
    this.palette.refresh(spec.layers.length);
    const blocks = this.rules.blocks;
    reportWorkbench({
      params: network?.totalParams ?? null,
      macs: network?.totalMacs ?? null,
      maxParams: blocks.maxParams ?? null,
      maxMacs: blocks.maxMacs ?? null,
      problems: [...problems],
      trainable: problems.length === 0,
      blocks: this.blocks.map((b) => ({
        label: b.focusLabel(),
        cost: b.costShown(),
        fields: b.fieldChips(),
      })),
    });
    this.updateHash();
  }

  private updateHash(): void {
    showAddress(
      runAddress(this.level?.id ?? null, this.dataRequest, this.draft, this.view),
      services().hash.teacher,
    );
  }

  private openLab(): void {
    if (this.problems.length) return;
    const data: LabData = {
      levelId: this.level?.id ?? null,
      draft: structuredClone(this.draft),
      ...(this.level ? {} : { data: this.dataRequest! }),
    };
    this.scene.start(SCENES.lab, data);
  }

  private train(): void {
    if (this.problems.length) return;
    this.scene.start(SCENES.training, {
      levelId: this.level?.id ?? null,
      draft: structuredClone(this.draft),
      data: this.level ? undefined : this.dataRequest,
      view: this.view,
    });
  }

  /** Back to the data page with what was picked there and the network built here. */
  private sandboxReturn(): SandboxData {
    const request = this.dataRequest;
    if (!request || 'csv' in request) return {};
    return {
      request,
      draft: structuredClone(this.draft),
      ...(this.view ? { view: this.view } : {}),
    };
  }

  private panel(x: number, y: number, w: number, h: number): void {
    this.add.graphics().fillStyle(COLORS.panel, 1).fillRoundedRect(x, y, w, h, RADIUS);
  }
}
