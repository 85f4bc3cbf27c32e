/**
 * What surrounds every route of the classroom server: the error handler that turns each refusal
 * into `{error}` with its 4xx status (and logs a genuine fault as a 500), the not-found answers
 * (JSON under `/api/`, a hint to build the game where it is missing), the built game as static
 * files, the nosniff header, and the rate limits per address and per token. Registered first by
 * `buildServer`, before any route.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_BODY_BYTES } from './api.js';
import type { ServerOptions } from './context.js';
import { HttpError, RateLimited } from './http.js';
import { Buckets } from './limits.js';
import { sha256Hex } from './version.js';

/** A classroom sits behind one address: the IP limit is wide, a single token's much narrower. */
export const DEFAULT_RATE_LIMIT = {
  ip: { burst: 600, perSecond: 100 },
  token: { burst: 40, perSecond: 5 },
} as const;

/** Sets the error and not-found handlers, serves the built game (when built) and adds the hooks. */
export async function registerSite(app: FastifyInstance, options: ServerOptions): Promise<void> {
  const webRoot =
    options.webRoot && existsSync(join(options.webRoot, 'index.html')) ? options.webRoot : null;

  // --- errors ---
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error instanceof HttpError || (status >= 400 && status < 500)) {
      let message = error.message;
      if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        message = `The request body is larger than ${MAX_BODY_BYTES} bytes, the most this server reads.`;
      } else if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        message = 'The request body must be JSON (Content-Type: application/json).';
      } else if (
        error instanceof SyntaxError ||
        (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY'
      ) {
        message = 'The request body is not valid JSON.';
      }
      if (status === 429 && error instanceof RateLimited) reply.header('retry-after', error.wait);
      return reply.code(status).type('application/json; charset=utf-8').send({ error: message });
    }
    request.log.error({ err: error }, 'server fault');
    return reply
      .code(500)
      .send({ error: 'The server failed on this request; the fault is logged.' });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') || path === '/api') {
      return reply
        .code(404)
        .send({ error: `There is no route ${request.method} ${path.slice(0, 200)}` });
    }
    if (
      !webRoot &&
      request.method === 'GET' &&
      (path === '/' || path === '/index.html' || path === '/teacher.html')
    ) {
      return reply
        .type('text/plain; charset=utf-8')
        .send(
          'Neural Journey classroom server\n\nThe game is not built yet: run `npm run build` (or `npm run classroom`), then reload this page.\n',
        );
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
  });

  // --- static files ---
  if (webRoot) await app.register(fastifyStatic, { root: webRoot, prefix: '/' });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  // --- rate limits ---
  const limits = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;
  const byIp = limits ? new Buckets(limits.ip) : null;
  const byToken = limits ? new Buckets(limits.token) : null;
  app.addHook('onRequest', async (request) => {
    if (!byIp || !byToken || !request.url.startsWith('/api/')) return;
    const ipWait = byIp.take(request.ip);
    if (ipWait) throw new RateLimited(ipWait, 'from this address');
    const token = request.headers.authorization;
    if (token) {
      const wait = byToken.take(sha256Hex(token));
      if (wait) throw new RateLimited(wait, 'with this token');
    }
  });
}
