/**
 * Figure 'optimizer-race': the same valley three times, one ball each, racing to the bottom
 * with three update rules — plain gradient steps, momentum (a heavy ball that keeps its speed),
 * and an Adam-like rule (each step scaled by how big the gradients have been). The valley's
 * floor is nearly flat, where plain steps shrink with the slope and crawl; that is the point.
 * Press Race to run, Reset to start over. Steps are simulated here in plain arithmetic (a
 * polynomial valley: no transcendentals needed).
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import { Button } from '../../ui/button.js';
import { addText } from '../../ui/text.js';
import { Plot, type FigureBox, type FigureBuilder } from './plot.js';

const MIN = 2.5;
const START = -3;
const MAX_STEPS = 150;
const valley = (x: number): number => 0.03 * (x - MIN) ** 4 + 0.02 * (x - MIN) ** 2;
const slope = (x: number): number => 0.12 * (x - MIN) ** 3 + 0.04 * (x - MIN);

interface Runner {
  name: string;
  color: number;
  shape: 'circle' | 'square' | 'triangle';
  x: number;
  velocity: number;
  m: number;
  v: number;
  steps: number;
  done: boolean;
  update(r: Runner, t: number): void;
}

function runner(
  name: string,
  color: number,
  shape: Runner['shape'],
  update: Runner['update'],
): Runner {
  return { name, color, shape, x: START, velocity: 0, m: 0, v: 0, steps: 0, done: false, update };
}

export const optimizerRace: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const runners = [
    runner('Plain steps', COLORS.data, 'circle', (r) => {
      r.velocity = -0.05 * slope(r.x);
      r.x += r.velocity;
    }),
    runner('Momentum', COLORS.weights, 'square', (r) => {
      r.velocity = 0.9 * r.velocity - 0.004 * slope(r.x);
      r.x += r.velocity;
    }),
    runner('Adam-like', COLORS.gradients, 'triangle', (r, t) => {
      const g = slope(r.x);
      r.m = 0.9 * r.m + 0.1 * g;
      r.v = 0.999 * r.v + 0.001 * g * g;
      const mHat = r.m / (1 - 0.9 ** t);
      const vHat = r.v / (1 - 0.999 ** t);
      r.velocity = (-0.3 * mHat) / (Math.sqrt(vHat) + 1e-8);
      r.x += r.velocity;
    }),
  ];
  const laneH = (box.height - 70) / 3;
  const lanes = runners.map((r, i) => {
    const plotBox = {
      x: box.x + 170,
      y: box.y + i * laneH + 6,
      width: box.width - 190,
      height: laneH - 22,
    };
    const plot = new Plot(plotBox, -3.5, 4.5, 0, 42);
    const g = scene.add.graphics();
    g.fillStyle(COLORS.panelRaised, 1);
    g.beginPath();
    g.moveTo(plotBox.x, plotBox.y + plotBox.height);
    for (let k = 0; k <= 80; k++) {
      const x = -3.5 + (8 * k) / 80;
      g.lineTo(plot.sx(x), Math.max(plotBox.y, plot.sy(valley(x))));
    }
    g.lineTo(plotBox.x + plotBox.width, plotBox.y + plotBox.height);
    g.closePath();
    g.fillPath();
    g.lineStyle(3, COLORS.loss, 1);
    g.beginPath();
    for (let k = 0; k <= 80; k++) {
      const x = -3.5 + (8 * k) / 80;
      const y = Math.max(plotBox.y, plot.sy(valley(x)));
      if (k === 0) g.moveTo(plot.sx(x), y);
      else g.lineTo(plot.sx(x), y);
    }
    g.strokePath();
    addText(scene, box.x, plotBox.y + 4, r.name, { size: TEXT.body, weight: 600 });
    const status = addText(scene, box.x, plotBox.y + 28, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: 160,
    });
    const ball = scene.add.graphics().setDepth(5);
    return { plot, status, ball };
  });

  const draw = (): void => {
    runners.forEach((r, i) => {
      const { plot, status, ball } = lanes[i]!;
      const x = plot.sx(Math.min(4.5, Math.max(-3.5, r.x)));
      const y = Math.max(plot.box.y, plot.sy(valley(r.x))) - 11;
      ball.clear();
      ball.fillStyle(r.color, 1);
      ball.lineStyle(2, COLORS.background, 1);
      if (r.shape === 'circle') {
        ball.fillCircle(x, y, 10);
        ball.strokeCircle(x, y, 10);
      } else if (r.shape === 'square') {
        ball.fillRect(x - 9, y - 9, 18, 18);
        ball.strokeRect(x - 9, y - 9, 18, 18);
      } else {
        ball.fillTriangle(x, y - 11, x - 11, y + 9, x + 11, y + 9);
        ball.strokeTriangle(x, y - 11, x - 11, y + 9, x + 11, y + 9);
      }
      status.setText(
        r.steps === 0
          ? 'ready'
          : r.done
            ? `at the bottom in ${r.steps} steps`
            : r.steps >= MAX_STEPS
              ? `still crawling after ${MAX_STEPS} steps`
              : `step ${r.steps}`,
      );
    });
  };

  let timer: Phaser.Time.TimerEvent | null = null;
  const reset = (): void => {
    timer?.remove(false);
    timer = null;
    for (const r of runners)
      Object.assign(r, { x: START, velocity: 0, m: 0, v: 0, steps: 0, done: false });
    draw();
  };
  const race = (): void => {
    reset();
    timer = scene.time.addEvent({
      delay: 40,
      loop: true,
      callback: () => {
        let running = false;
        for (const r of runners) {
          if (r.done || r.steps >= MAX_STEPS) continue;
          r.steps++;
          r.update(r, r.steps);
          r.done = Math.abs(r.x - MIN) < 0.12 && Math.abs(r.velocity) < 0.02;
          running = true;
        }
        draw();
        if (!running) {
          timer?.remove(false);
          timer = null;
        }
      },
    });
  };
  const by = box.y + box.height - 52;
  new Button(scene, {
    x: box.x,
    y: by,
    label: 'Race',
    icon: 'play',
    tooltip: 'Let all three balls roll down the valley at once',
    onClick: race,
  });
  new Button(scene, {
    x: box.x + 120,
    y: by,
    label: 'Reset',
    icon: 'reset',
    tooltip: 'Put the balls back at the top',
    onClick: reset,
  });
  draw();
  return {
    title: 'Three ways downhill',
    caption:
      'Each ball follows the slope of the same valley. Plain steps are as big as the slope, so ' +
      'on the flat floor they crawl. Momentum keeps speed from earlier steps. The Adam-like rule ' +
      'divides by how steep things have been, so its steps stay useful even where it is flat.',
  };
};
