/**
 * The classroom server: the routes of `src/server/api.ts` on Fastify, the built game as static
 * files, and the replay queue. `buildServer` returns the Fastify instance (not listening), so the
 * tests and `neural-journey serve` start it the same way. Every refusal is `{error}` with a 4xx
 * status naming the field and what is allowed; only a genuine server fault answers 500, and it
 * is logged.
 *
 * This file builds the shared context (the store, the catalogue, the clock, the live boards and
 * the replay queue) and owns their opening and closing; the routes live by job in their modules:
 * `site.ts` (errors, static files, rate limits), `classes.ts` (classes, joining, reports),
 * `submissions.ts` (submissions and the replay queue), `live.ts` (boards and their event
 * streams), with the shared refusals and checks in `http.ts`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { MAX_BODY_BYTES } from './api.js';
import { classRoutes } from './classes.js';
import type { BaseContext, ServerContext, ServerOptions } from './context.js';
import { HttpError } from './http.js';
import { liveBoards } from './live.js';
import { describeIssue, type AjvIssue } from './schemas.js';
import { registerSite } from './site.js';
import { openSqliteStore, type Store } from './store.js';
import { openReplayer, replayQueue, submissionRoutes } from './submissions.js';
import { loadCatalogue, projectRoot, type Catalogue } from './version.js';

export { describeIssue } from './schemas.js';
export type { ServerOptions } from './context.js';
export { HttpError } from './http.js';
export { DEFAULT_RATE_LIMIT } from './site.js';
export { hashToken, newCode, newToken } from './tokens.js';

// --- the server ---------------------------------------------------------------------------

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const iso = (): string => now().toISOString();
  const catalogue: Catalogue = loadCatalogue(options.levelsDir);
  const store: Store = openSqliteStore(options.dbFile);
  const replayer = openReplayer(options);
  const goalOf = (levelId: string) => catalogue.levels.get(levelId)?.goal;

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    // A client must send its request within this (a slow trickle holds no socket for long).
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaErrorFormatter(errors, context) {
      return new HttpError(400, describeIssue(context, errors[0] as unknown as AjvIssue));
    },
  });

  await registerSite(app, options);

  // --- what the routes share: the boards first, as the queue tells them of each verdict ---
  const base: BaseContext = { options, store, catalogue, now, iso, goalOf };
  const live = liveBoards(app, base);
  const queue = replayQueue(app, base, replayer, live.notify);
  const ctx: ServerContext = { ...base, live, queue };

  // Closing: no replay starts or stores its verdict and the streams end, then the replayer and
  // the database close.
  app.addHook('preClose', async () => {
    queue.stop();
    live.close();
  });
  app.addHook('onClose', async () => {
    await queue.close();
    store.close();
  });

  // --- routes (the boards' own are registered with them) ---
  app.get('/api/version', async () => catalogue.version);
  classRoutes(app, ctx);
  submissionRoutes(app, ctx);

  // What a stop left queued or running replays now.
  queue.pump();
  return app;
}

/** The built game's folder and the default database, for `neural-journey serve`. */
export function defaultWebRoot(): string {
  return join(projectRoot(), 'dist', 'web');
}
