/**
 * Whether Debian's PyTorch is there for the oracle tests (`/usr/bin/python3` with
 * python3-torch). Without it a test skips with a message, except when the CI variable is set:
 * CI must have it (`.ci/run` installs python3-torch), so there it fails instead.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

const found = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing =
  found.status === 0
    ? null
    : `${PYTHON} -c "import torch" failed (${(found.error?.message ?? found.stderr).trim().split('\n').pop()})`;

/** Passes through when PyTorch is there; skips without it, unless in CI, where it fails. */
export function needTorch(skip: (note: string) => never): void {
  if (!torchMissing) return;
  if (process.env['CI']) {
    throw new Error(
      `${torchMissing}: CI must run the PyTorch oracle (apt-get install python3-torch)`,
    );
  }
  const note = `PyTorch oracle skipped: ${torchMissing}; install python3-torch to run it`;
  console.warn(note);
  skip(note);
}
