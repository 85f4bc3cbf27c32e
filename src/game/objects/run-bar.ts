/**
 * The Training scene's run controls along the top: Play (which pauses while running and opens
 * the Result once a level run is over), Step, Reset, the speed and the loss axis's scale. The bar
 * owns what each button says and whether it can be pressed in each phase of a run, so the words
 * and the states cannot drift apart; the scene only says which phase the run is in.
 */
import type * as Phaser from 'phaser';
import { SPEEDS } from '../state/saves.js';
import { Button } from '../ui/button.js';
import { Choice } from '../ui/choice.js';
import { FocusManager } from '../ui/focus.js';

/** Where a run is: the bar's buttons follow it. */
export type RunPhase = 'loading' | 'paused' | 'running' | 'done' | 'diverged' | 'error';

export interface RunBarOptions {
  /** Steps per second at 1×, for the slow speeds' tooltips. */
  stepsPerSecond: number;
  speed: number;
  /** Whether the speed shows at all, and whether it may be changed (a teacher's link). */
  speedShown: boolean;
  speedLocked: boolean;
  onPlay: () => void;
  onStep: () => void;
  onReset: () => void;
  onSpeed: (speed: number) => void;
  onLogScale: () => void;
}

const OVER = 'The run is over: Reset to train again from the same start';

export class RunBar {
  private readonly play: Button;
  private readonly step: Button;
  private readonly reset: Button;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: RunBarOptions,
  ) {
    this.play = new Button(scene, {
      x: 612,
      y: 14,
      width: 110,
      label: 'Play',
      icon: 'play',
      variant: 'primary',
      tooltip: 'Train continuously (Space)',
      onClick: o.onPlay,
    });
    this.step = new Button(scene, {
      x: 728,
      y: 14,
      width: 84,
      label: 'Step',
      icon: 'step',
      tooltip: 'Train exactly one step, then stop (S)',
      onClick: o.onStep,
    });
    this.reset = new Button(scene, {
      x: 818,
      y: 14,
      width: 92,
      label: 'Reset',
      icon: 'reset',
      tooltip: 'Back to the same starting weights, to compare changes fairly (R)',
      onClick: o.onReset,
    });
    if (o.speedShown) {
      new Choice<number>(scene, {
        x: 918,
        y: 18,
        options: SPEEDS.map((s) => ({
          value: s,
          label: s === 0.25 ? '¼×' : `${s}×`,
          tooltip:
            s < 1 ? `Train slowly: ${s * o.stepsPerSecond} steps a second` : `Train ${s}× as fast`,
        })),
        value: o.speed,
        tooltip: 'Training speed: how many steps a second',
        locked: o.speedLocked,
        onChange: o.onSpeed,
      });
    }
    new Button(scene, {
      x: 1168,
      y: 14,
      width: 96,
      label: 'Log',
      tooltip: 'Switch the loss axis between linear and logarithmic',
      onClick: o.onLogScale,
    });
  }

  /** Sets the buttons for the run's phase; `hasResult` turns Play into the way to the Result. */
  show(phase: RunPhase, hasResult: boolean): void {
    const result = phase === 'done' && hasResult;
    const live = phase === 'running' || phase === 'paused';
    this.play
      .setLabel(result ? 'Result' : phase === 'running' ? 'Pause' : 'Play')
      .setIcon(result ? 'next' : phase === 'running' ? 'pause' : 'play');
    this.play.setTooltip(
      result
        ? 'See the stars, the numbers and what to try next (Space)'
        : phase === 'running'
          ? 'Pause training (Space)'
          : phase === 'paused'
            ? 'Train continuously (Space)'
            : phase === 'done'
              ? OVER
              : phase === 'diverged'
                ? 'The run stopped: rewind or go back to the workbench'
                : 'Wait for the network to be ready',
    );
    this.play.setDisabled(!live && !result);
    this.step.setDisabled(!live);
    this.step.setTooltip(live ? 'Train exactly one step, then stop (S)' : OVER);
    this.reset.setDisabled(phase === 'loading' || phase === 'error');
  }

  /**
   * The bar's keys: Space plays or pauses when no control has the focus (a focused control
   * takes Space as a press), S steps once, R resets.
   */
  key(e: KeyboardEvent, focused: boolean): void {
    if (e.key === ' ' && !focused) {
      e.preventDefault();
      this.o.onPlay();
    } else if (e.key === 's' || e.key === 'S') this.o.onStep();
    else if (e.key === 'r' || e.key === 'R') this.o.onReset();
  }

  /** Puts the focus on Play, the control a keyboard player most likely wants next. */
  focusPlay(): void {
    FocusManager.for(this.scene).focus(this.play, false);
  }
}
