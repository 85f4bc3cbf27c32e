/**
 * The engine page: trains a chosen example network in the worker, with the loss drawn live.
 * It is the smallest real front end of the engine (the game's scenes build on the same
 * trainer), and the page the browser tests drive through `window.neuralJourney`.
 */
import { startTrainer, type TrainerClient } from './trainer-client.js';

const EXAMPLES: Record<string, { spec: unknown; data: string; options: Record<string, unknown> }> =
  {
    xor: {
      spec: {
        layers: [
          { type: 'dense', units: 4, activation: 'tanh' },
          { type: 'dense', units: 1 },
        ],
      },
      data: 'xor',
      options: { optimizer: 'adam', lr: 0.03 },
    },
    spiral: {
      spec: {
        layers: [
          { type: 'dense', units: 32, activation: 'relu' },
          { type: 'dense', units: 32, activation: 'relu' },
          { type: 'dense', units: 3 },
        ],
      },
      data: 'spiral',
      options: { optimizer: 'adam', lr: 0.01 },
    },
    iris: {
      spec: { layers: [{ type: 'dense', units: 3, activation: 'softmax' }] },
      data: 'iris',
      options: { optimizer: 'adam', lr: 0.05 },
    },
  };

declare global {
  interface Window {
    /** Read-only hooks for the browser tests. */
    neuralJourney: { trainer: TrainerClient; ready: boolean; lastLoss: number | null };
  }
}

const { trainer } = startTrainer();
window.neuralJourney = { trainer, ready: true, lastLoss: null };

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const canvas = document.querySelector<HTMLCanvasElement>('#curve')!;
const select = document.querySelector<HTMLSelectElement>('#example')!;
const button = document.querySelector<HTMLButtonElement>('#train')!;

function draw(losses: number[]): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (losses.length < 2) return;
  const max = Math.max(...losses);
  ctx.strokeStyle = '#e69f00';
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((loss, i) => {
    const x = (i / (losses.length - 1)) * canvas.width;
    const y = canvas.height - (loss / max) * (canvas.height - 4) - 2;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

button.addEventListener('click', async () => {
  const example = EXAMPLES[select.value]!;
  button.disabled = true;
  try {
    const info = await trainer.create(
      example.spec,
      { name: example.data, seed: 1 },
      example.options,
      1,
    );
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await trainer.step(25);
      losses.push(r.trainLoss);
      window.neuralJourney.lastLoss = r.lastLoss;
      status.textContent = `${info.data.name}: ${info.totalParams} parameters, step ${r.step}, loss ${r.trainLoss.toFixed(4)}`;
      draw(losses);
      if (r.diverged) {
        status.textContent = r.diverged.message;
        break;
      }
    }
    const test = await trainer.evaluate('test');
    const acc = test.accuracy === null ? '' : `, accuracy ${(test.accuracy * 100).toFixed(1)}%`;
    status.textContent += ` — test loss ${test.loss.toFixed(4)}${acc}`;
  } catch (error) {
    status.textContent = (error as Error).message;
  } finally {
    button.disabled = false;
  }
});
