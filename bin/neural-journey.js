#!/usr/bin/env node
// The `neural-journey` command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the package's prepare script); this file only starts them.
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(
    'neural-journey: not built yet: run `npm ci` (or `npm run build:node`) first\n',
  );
  process.exit(1);
}
const outcome = await cli.run(process.argv.slice(2));
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
process.exitCode = outcome.code;
