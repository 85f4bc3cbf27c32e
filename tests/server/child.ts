/**
 * The compiled server as the teacher starts it (`neural-journey serve`), in a child process,
 * for the tests that kill it or load it: `npm run test:server` builds it first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

/** Whether the heavy server tests run (`npm run test:server` sets it, after building). */
export const HEAVY = process.env['NJ_SERVER_HEAVY'] === '1';

export interface Child {
  proc: ChildProcess;
  base: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startChild(dbFile: string): Promise<Child> {
  const bin = join(ROOT, 'bin', 'neural-journey.js');
  if (!existsSync(join(ROOT, 'dist', 'src', 'server', 'app.js'))) {
    throw new Error(
      'the server is not compiled: run `npm run build:node` (npm run test:server does)',
    );
  }
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', dbFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Classroom server at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${out}${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return {
    proc,
    base,
    pid: proc.pid!,
    peakRssMiB() {
      const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}
