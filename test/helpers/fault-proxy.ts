import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A loopback proxy in front of moto that injects the faults moto never produces (AccessDenied on one call,
 * a body cut half-way, a request that never gets an answer, a listing altered in transit) and records
 * every request it saw. Requests no rule matches reach the emulator unchanged.
 */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** The first 4 KiB of the request body (complete once the request ended): STS names its action there. */
  body: string;
}

const BODY_KEPT = 4096;

export type Fault =
  /** Answer with an S3-style XML error instead of forwarding. */
  | { kind: 'error'; status: number; code: string; message?: string }
  /** Forward, but send only the first `afterBytes` bytes of the body, then drop the connection. */
  | { kind: 'cut-body'; afterBytes: number }
  /** Accept the request and never answer (the socket stays open until the proxy closes). */
  | { kind: 'hang' }
  /** Answer with this body instead of forwarding (e.g. a JSON answer for a call the emulator lacks). */
  | { kind: 'respond'; status: number; contentType: string; body: string }
  /** Forward, then rewrite the (text) body of the answer, e.g. to drop a continuation token. */
  | { kind: 'rewrite'; body: (text: string) => string };

export interface FaultRule {
  match: (req: SeenRequest) => boolean;
  fault: Fault;
  /** How many matching requests get the fault (default: all of them). */
  times?: number;
}

export interface FaultProxy {
  url: string;
  server: Server;
  seen: SeenRequest[];
  /** How many times each rule fired, by index. */
  fired: number[];
  close(): Promise<void>;
}

function sendError(res: ServerResponse, fault: Extract<Fault, { kind: 'error' }>): void {
  res.writeHead(fault.status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>${fault.message ?? fault.code}</Message><RequestId>FAULT1</RequestId></Error>`,
  );
}

export function startFaultProxy(target: URL | string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const upstreamUrl = new URL(target);
  const seen: SeenRequest[] = [];
  const fired = rules.map(() => 0);
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const seenReq: SeenRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', upstreamUrl),
      headers: req.headers,
      body: '',
    };
    seen.push(seenReq);
    req.on('data', (c: Buffer) => {
      if (seenReq.body.length < BODY_KEPT)
        seenReq.body += c.toString('utf8', 0, BODY_KEPT - seenReq.body.length);
    });
    const index = rules.findIndex(
      (r, i) => (r.times === undefined || (fired[i] ?? 0) < r.times) && r.match(seenReq),
    );
    const rule = index >= 0 ? rules[index] : undefined;
    if (rule) fired[index] = (fired[index] ?? 0) + 1;
    const fault = rule?.fault;

    if (fault?.kind === 'error') {
      req.resume();
      sendError(res, fault);
      return;
    }
    if (fault?.kind === 'respond') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': fault.contentType });
      res.end(fault.body);
      return;
    }
    if (fault?.kind === 'hang') {
      req.resume();
      return;
    }
    const upstream = request(
      {
        host: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        if (fault?.kind === 'rewrite') {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const body = Buffer.from(fault.body(Buffer.concat(chunks).toString('utf8')));
            const headers = { ...up.headers, 'content-length': String(body.length) };
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(body);
          });
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault?.kind === 'cut-body') {
          let sent = 0;
          let cut = false;
          // The headers and the bytes before the cut reach the client first (a destroy right after a
          // write could drop them, and the client would see no answer at all rather than a cut body).
          res.flushHeaders();
          const kill = () => setTimeout(() => res.destroy(), 50);
          up.on('data', (c: Buffer) => {
            if (cut) return;
            const room = fault.afterBytes - sent;
            sent += c.length;
            if (sent < fault.afterBytes) {
              res.write(c);
              return;
            }
            cut = true;
            up.destroy();
            if (room > 0) res.write(c.subarray(0, room), kill);
            else kill();
          });
          up.on('end', () => res.end());
          return;
        }
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({
        url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
        server,
        seen,
        fired,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Matchers for the S3 calls tests fault most often (path-style addressing, as the CLI uses with an endpoint). */
export const s3Call = {
  putBucketPolicy: (r: SeenRequest) => r.method === 'PUT' && r.url.searchParams.has('policy'),
  getBucketPolicy: (r: SeenRequest) => r.method === 'GET' && r.url.searchParams.has('policy'),
  listObjects: (r: SeenRequest) => r.method === 'GET' && r.url.searchParams.get('list-type') === '2',
  getObject: (key?: string) => (r: SeenRequest) =>
    r.method === 'GET' &&
    // The SDK marks GetObject with ?x-id=GetObject; any other query is another call (?policy, ?list-type=2).
    [...r.url.searchParams.keys()].every((k) => k === 'x-id') &&
    (r.url.searchParams.get('x-id') ?? 'GetObject') === 'GetObject' &&
    r.url.pathname.split('/').length > 2 &&
    (key === undefined || decodeURIComponent(r.url.pathname).endsWith(`/${key}`)),
};
