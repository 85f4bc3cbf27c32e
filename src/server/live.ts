/**
 * The live boards: `GET /api/classes/:code/board` and its server-sent events
 * (`/api/classes/:code/events`). Each open stream gets the board at once, then again whenever a
 * replay finishes (`notify`, coalescing a burst into one event) or the teacher ends the class
 * (`send`); a heartbeat keeps idle streams open and reveals the private board when a deadline
 * passes with no one asking. The streams are held here only, capped in all and per address.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Board } from './api.js';
import { computeBoard, hasEnded } from './board.js';
import type { BaseContext } from './context.js';
import { RateLimited, classOr404, publicInfo } from './http.js';
import { codeParams } from './schemas.js';
import type { ClassRecord } from './store.js';

const MAX_STREAMS = 2000;
const MAX_STREAMS_PER_IP = 200;

export interface LiveBoards {
  /** The board of a class as of now: public while it runs, private once it has ended. */
  boardOf(c: ClassRecord): Board;
  /** Sends the class's board to its open streams now. */
  send(code: string): void;
  /** Sends it shortly: the changes of a moment make one event. */
  notify(code: string): void;
  /** Tells the class's streams it is deleted, and closes them. */
  deleted(code: string): void;
  /** Stops the heartbeat and closes every stream (the server is closing). */
  close(): void;
}

/** Registers the board and event routes and returns what the other modules tell the boards. */
export function liveBoards(app: FastifyInstance, ctx: BaseContext): LiveBoards {
  const { store, now, goalOf } = ctx;
  const streams = new Map<string, Set<ServerResponse>>();
  const streamsByIp = new Map<string, number>();
  let streamCount = 0;
  let closing = false;
  const lastKind = new Map<string, Board['kind']>();
  const pendingNotify = new Set<string>();
  const boardOf = (c: ClassRecord): Board =>
    computeBoard(
      publicInfo(c),
      store.students(c.code),
      store.classSubmissions(c.code),
      goalOf,
      now(),
    );
  const send = (code: string): void => {
    try {
      const listeners = streams.get(code);
      const c = store.getClass(code);
      if (!listeners?.size || !c) return;
      const board = boardOf(c);
      lastKind.set(code, board.kind);
      const text = `event: board\ndata: ${JSON.stringify(board)}\n\n`;
      for (const res of listeners) res.write(text);
    } catch (error) {
      app.log.error({ err: error, code }, 'board event failed');
    }
  };
  const notify = (code: string): void => {
    if (!streams.get(code)?.size || pendingNotify.has(code)) return;
    pendingNotify.add(code);
    setTimeout(() => {
      pendingNotify.delete(code);
      if (!closing) send(code);
    }, 25);
  };
  const heartbeat = setInterval(() => {
    try {
      for (const [code, listeners] of streams) {
        // A deadline that passed reveals the private board without anyone asking.
        const c = store.getClass(code);
        if (c && lastKind.get(code) === 'public' && hasEnded(publicInfo(c), now())) send(code);
        for (const res of listeners) res.write(': keep-alive\n\n');
      }
    } catch (error) {
      app.log.error({ err: error }, 'heartbeat failed');
    }
  }, ctx.options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code/board',
    { schema: { params: codeParams } },
    async (request) => boardOf(classOr404(store, request.params.code)),
  );

  app.get<{ Params: { code: string } }>(
    '/api/classes/:code/events',
    // A HEAD request would hold an event stream open with nothing to send.
    { schema: { params: codeParams }, exposeHeadRoute: false },
    async (request, reply: FastifyReply) => {
      const c = classOr404(store, request.params.code);
      const ip = request.ip;
      if (streamCount >= MAX_STREAMS || (streamsByIp.get(ip) ?? 0) >= MAX_STREAMS_PER_IP) {
        throw new RateLimited(5, 'as open event streams');
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      res.flushHeaders();
      let listeners = streams.get(c.code);
      if (!listeners) streams.set(c.code, (listeners = new Set()));
      listeners.add(res);
      streamCount++;
      streamsByIp.set(ip, (streamsByIp.get(ip) ?? 0) + 1);
      const board = boardOf(c);
      lastKind.set(c.code, board.kind);
      res.write(`retry: 3000\n\nevent: board\ndata: ${JSON.stringify(board)}\n\n`);
      let open = true;
      const drop = (): void => {
        if (!open) return;
        open = false;
        streamCount--;
        const left = (streamsByIp.get(ip) ?? 1) - 1;
        if (left > 0) streamsByIp.set(ip, left);
        else streamsByIp.delete(ip);
        const set = streams.get(c.code);
        set?.delete(res);
        if (set && set.size === 0) streams.delete(c.code);
      };
      request.raw.on('close', drop);
      res.on('close', drop);
      res.on('error', drop);
    },
  );

  return {
    boardOf,
    send,
    notify,
    deleted(code) {
      // Whoever watches the board hears the class is gone, then the stream closes.
      for (const res of streams.get(code) ?? []) {
        res.write('event: deleted\ndata: {}\n\n');
        res.end();
      }
      streams.delete(code);
    },
    close() {
      closing = true;
      clearInterval(heartbeat);
      for (const listeners of streams.values()) for (const res of listeners) res.end();
      streams.clear();
    },
  };
}
