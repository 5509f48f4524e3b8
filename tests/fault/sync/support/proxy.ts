import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP fault proxy between a till and the server, on loopback. Each request is matched against
 * the rules in order; the first rule that matches and still has uses left decides its fate:
 *   status      answer with this status (503…) without forwarding: the server never sees it;
 *   reset       destroy the connection before forwarding (ECONNRESET at the till);
 *   hang        never answer (the till's deadline must fire);
 *   drop-reply  forward, let the server apply it, then cut the connection before the reply: the
 *               till cannot know whether its push was stored;
 *   delay       forward, then hold the reply for `ms`;
 *   slow        forward, then trickle the reply body a few bytes at a time over `ms`;
 *   hold        forward only when `release()` is called (a push kept "in flight" by the test);
 *   rewrite     forward, then replace the reply body (a malformed or hostile answer).
 * Every request is recorded, so tests wait on what the proxy saw, not on time.
 */

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'drop-reply' }
  | { kind: 'delay'; ms: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'hold' }
  | { kind: 'rewrite'; body: (text: string) => string };

export interface Rule {
  /** Which requests: method and path prefix, e.g. "POST /v1/sync/push". */
  match: string;
  fault: Fault;
  /** How many matching requests this rule takes (default: every one). */
  times?: number;
}

export interface Seen {
  method: string;
  path: string;
  body: string;
  fault: Fault['kind'] | 'pass';
  /** Status sent to the till, or null when the connection was cut or never answered. */
  status: number | null;
}

export interface FaultProxy {
  readonly url: string;
  readonly seen: Seen[];
  add(rule: Rule): void;
  clear(): void;
  /** Releases requests held by a "hold" rule. */
  release(): void;
  /** How many held requests are waiting. */
  held(): number;
  /** Calls `listener` each time a request is forwarded to the server (it is then in flight). */
  tap(listener: (seen: Seen) => void): void;
  close(): Promise<void>;
}

export async function startProxy(target: () => string): Promise<FaultProxy> {
  const rules: (Rule & { used: number })[] = [];
  const seen: Seen[] = [];
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const taps: ((seen: Seen) => void)[] = [];

  function pick(method: string, path: string): Fault | null {
    for (const rule of rules) {
      const [ruleMethod, rulePath] = rule.match.split(' ');
      if (ruleMethod !== method && ruleMethod !== '*') continue;
      if (!path.startsWith(rulePath ?? '')) continue;
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      rule.used++;
      return rule.fault;
    }
    return null;
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
    onReply: (status: number, headers: IncomingMessage['headers'], payload: Buffer) => void,
    onError: () => void,
  ): void {
    const url = new URL(req.url ?? '/', target());
    const current = seen[seen.length - 1];
    if (current) for (const listener of taps) listener(current);
    const upstream = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: req.method,
        headers: { ...req.headers, host: url.host, connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => onReply(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on('error', onError);
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  }

  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const fault = pick(method, path);
      const record: Seen = {
        method,
        path,
        body: body.toString('utf8'),
        fault: fault?.kind ?? 'pass',
        status: null,
      };
      seen.push(record);
      const cut = () => req.socket.destroy();
      const send = (status: number, headers: IncomingMessage['headers'], payload: Buffer) => {
        record.status = status;
        const { 'transfer-encoding': _te, connection: _c, 'content-length': _cl, ...rest } = headers;
        res.writeHead(status, { ...rest, 'content-length': payload.length, connection: 'close' });
        res.end(payload);
      };
      const failUpstream = () => {
        // The server is down or died mid-request: the till sees a cut connection, as it would.
        cut();
      };
      switch (fault?.kind) {
        case 'status': {
          const payload = Buffer.from(
            JSON.stringify({ error: { code: 'unavailable', message: 'Injected by the fault proxy.' } }),
          );
          send(fault.status, { 'content-type': 'application/json' }, payload);
          return;
        }
        case 'reset':
          cut();
          return;
        case 'hang':
          return;
        case 'drop-reply':
          forward(req, body, () => cut(), failUpstream);
          return;
        case 'delay':
          forward(
            req,
            body,
            (status, headers, payload) => setTimeout(() => send(status, headers, payload), fault.ms),
            failUpstream,
          );
          return;
        case 'slow':
          forward(
            req,
            body,
            (status, headers, payload) => {
              record.status = status;
              const { 'transfer-encoding': _te, connection: _c, 'content-length': _cl, ...rest } = headers;
              res.writeHead(status, { ...rest, 'content-length': payload.length, connection: 'close' });
              const pieces = 20;
              const size = Math.ceil(payload.length / pieces);
              let index = 0;
              const step = () => {
                if (res.destroyed) return;
                if (index * size >= payload.length) return void res.end();
                res.write(payload.subarray(index * size, (index + 1) * size));
                index++;
                setTimeout(step, fault.ms / pieces);
              };
              step();
            },
            failUpstream,
          );
          return;
        case 'rewrite':
          forward(
            req,
            body,
            (status, headers, payload) =>
              send(status, headers, Buffer.from(fault.body(payload.toString('utf8')))),
            failUpstream,
          );
          return;
        case 'hold':
          waiting.push(() => forward(req, body, send, failUpstream));
          return;
        default:
          forward(req, body, send, failUpstream);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    add: (rule) => void rules.push({ ...rule, used: 0 }),
    clear: () => void (rules.length = 0),
    release() {
      for (const go of waiting.splice(0)) go();
    },
    held: () => waiting.length,
    tap: (listener) => void taps.push(listener),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
