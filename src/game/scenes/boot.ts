/**
 * Boot: loads what the game needs before the first screen — the typeface (so no text is drawn
 * in a fallback font) and a first answer from the training worker (which compiles the
 * WebAssembly kernel) — with a progress bar and words for each step. Then it routes:
 *
 * - a valid shared link (`#level=…&layers=…`) opens the Workbench with that draft (a `data=`
 *   link opens it in sandbox mode);
 * - a `csv=` or `text=` link opens the Sandbox, which asks for that file again (a link cannot
 *   carry it)
 *   and then opens the Workbench with the link's draft;
 * - a link that only names a level (`#level=c2-xor`), or whose draft was refused but names a
 *   real level, opens that level's Briefing (a notice explains a refused draft);
 * - anything else goes to the Title, which shows any notices (damaged link, save problems).
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, FONT, HEIGHT, MOTION, TEXT, WIDTH } from '../theme.js';
import { levelById } from '../../levels/index.js';
import { addNotice, markReady, services } from '../services.js';
import { addText } from '../ui/text.js';
import { sandboxRequest } from '../state/address.js';
import {
  SCENES,
  type BriefingData,
  type LabData,
  type SandboxData,
  type WorkbenchData,
} from './keys.js';

/** Never keep the player on the boot screen forever: a slow font falls back after this. */
const FONT_TIMEOUT_MS = 3000;
const TRAINER_TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} took longer than ${ms / 1000} s`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export class Boot extends Phaser.Scene {
  private bar!: Phaser.GameObjects.Graphics;
  private status!: Phaser.GameObjects.Text;
  private title!: Phaser.GameObjects.Text;
  private shown = 0;

  constructor() {
    super(SCENES.boot);
  }

  create(): void {
    this.title = addText(this, WIDTH / 2, HEIGHT / 2 - 70, 'Neural Journey', {
      size: TEXT.title,
      weight: 600,
    }).setOrigin(0.5);
    this.status = addText(this, WIDTH / 2, HEIGHT / 2 + 40, 'Loading the typeface…', {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(0.5);
    this.bar = this.add.graphics();
    this.drawBar(0);
    void this.load_();
  }

  private drawBar(fraction: number): void {
    const w = 420;
    const x = (WIDTH - w) / 2;
    const y = HEIGHT / 2 - 6;
    this.bar.clear();
    this.bar.fillStyle(COLORS.panel, 1);
    this.bar.fillRoundedRect(x, y, w, 12, 6);
    this.bar.fillStyle(COLORS.data, 1);
    if (fraction > 0) this.bar.fillRoundedRect(x, y, Math.max(12, w * fraction), 12, 6);
    this.bar.lineStyle(1, COLORS.line, 1);
    this.bar.strokeRoundedRect(x, y, w, 12, 6);
  }

  private progress(fraction: number, text: string): void {
    this.status.setText(text);
    const from = { t: this.shown };
    this.shown = fraction;
    this.tweens.add({
      targets: from,
      t: fraction,
      duration: MOTION.normal,
      ease: MOTION.ease,
      onUpdate: () => this.drawBar(from.t),
    });
  }

  private async load_(): Promise<void> {
    const { trainer } = services();
    try {
      await withTimeout(
        Promise.all([
          document.fonts.load(`400 ${TEXT.body}px ${FONT}`),
          document.fonts.load(`600 ${TEXT.body}px ${FONT}`),
        ]),
        FONT_TIMEOUT_MS,
        'Loading the typeface',
      );
    } catch {
      // The system font is a fine fallback; not worth a notice.
    }
    // Redraw the boot texts in the real typeface now that it is here.
    // (setFontFamily would skip: the family name did not change, only its availability did.)
    this.title.updateText();
    this.status.updateText();
    this.progress(0.4, 'Starting the training engine…');
    try {
      // A tiny network on XOR: compiles the kernel and proves the worker answers.
      await withTimeout(
        trainer.create({ layers: [{ type: 'dense', units: 1 }] }, { name: 'xor', seed: 1 }, {}, 1),
        TRAINER_TIMEOUT_MS,
        'Starting the training engine',
      );
      await trainer.step(1);
      await trainer.dispose();
    } catch (error) {
      addNotice(
        `The training engine did not start (${(error as Error).message}). ` +
          'Reloading the page usually helps; a very old browser may lack WebAssembly.',
      );
    }
    this.progress(1, 'Ready');
    markReady();
    this.time.delayedCall(MOTION.normal, () => this.route());
  }

  /** Where to go first; see the file comment. */
  private route(): void {
    const { hash } = services();
    const has = (key: string): boolean => this.scene.manager.getScene(key) !== null;
    const state = hash.state;
    if (
      state?.lanes &&
      has(SCENES.lab) &&
      (state.data || (state.levelId && levelById(state.levelId)))
    ) {
      // A shared race: the lab, which replays it from the same start.
      const data: LabData = {
        levelId: state.levelId,
        draft: state.draft,
        lanes: state.lanes,
        ...(state.branches ? { branches: state.branches } : {}),
        ...(state.data ? { data: sandboxRequest(state.data, state.dataOptions) } : {}),
      };
      return this.go(SCENES.lab, data);
    }
    if (state?.levelId) {
      if (levelById(state.levelId) && has(SCENES.workbench)) {
        const data: WorkbenchData = { levelId: state.levelId, draft: state.draft };
        return this.go(SCENES.workbench, data);
      }
      if (!levelById(state.levelId)) {
        addNotice(
          `The shared link names a level "${state.levelId}" that this version of the game ` +
            'does not have, so the journey starts at the title screen.',
        );
      }
    } else if (state?.csv || (!state && hash.target?.csv)) {
      const data: SandboxData = {
        awaiting: { fileName: state?.csv ?? hash.target!.csv!, draft: state?.draft },
      };
      return this.go(SCENES.sandbox, data);
    } else if (state?.text || (!state && hash.target?.text)) {
      const data: SandboxData = {
        awaiting: {
          fileName: state?.text ?? hash.target!.text!,
          format: 'text',
          draft: state?.draft,
        },
      };
      return this.go(SCENES.sandbox, data);
    } else if (state?.data && has(SCENES.workbench)) {
      // A sandbox link: the Workbench in sandbox mode, with the link's data settings and view.
      const data: WorkbenchData = {
        levelId: null,
        draft: state.draft,
        data: sandboxRequest(state.data, state.dataOptions),
        ...(state.view ? { view: state.view } : {}),
      };
      return this.go(SCENES.workbench, data);
    } else if (!state && hash.target?.levelId && levelById(hash.target.levelId)) {
      const data: BriefingData = { levelId: hash.target.levelId };
      return this.go(SCENES.briefing, data);
    } else if (!state && hash.target?.data && has(SCENES.workbench)) {
      const data: WorkbenchData = { levelId: null, data: sandboxRequest(hash.target.data) };
      return this.go(SCENES.workbench, data);
    } else if (!state && hash.target?.levelId) {
      addNotice(
        `The link names a level "${hash.target.levelId}" that this version of the game does not have, so the journey starts at the title screen.`,
      );
    }
    this.go(SCENES.title);
  }

  private go(key: string, data?: object): void {
    this.cameras.main.fadeOut(MOTION.fast, 0x14, 0x17, 0x1f);
    this.cameras.main.once(Phaser.Cameras.Scene2D.Events.FADE_OUT_COMPLETE, () =>
      this.scene.start(key, data),
    );
  }
}
