/**
 * A small HTTP client for tests and benchmarks against the real server process: node:http with a
 * keep-alive agent (fetch costs several times more CPU per request, and the client shares two cores
 * with the server and PostgreSQL). Only 127.0.0.1; every request has a deadline.
 */
import { Agent, request as httpRequest } from 'node:http';

export type HttpResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
};

export type RequestOptions = {
  token?: string;
  body?: unknown;
  /** Sent as is when the body is a string or Buffer; JSON otherwise. */
  contentType?: string;
  headers?: Record<string, string>;
  /** Give up after this long (the request is aborted and the promise rejects with code ETIMEDOUT). */
  timeoutMs?: number;
};

export class HttpClient {
  readonly baseUrl: URL;
  readonly agent: Agent;

  constructor(baseUrl: string, options: { maxSockets?: number } = {}) {
    this.baseUrl = new URL(baseUrl);
    if (this.baseUrl.hostname !== '127.0.0.1') throw new Error(`tests only talk to 127.0.0.1, not ${this.baseUrl.hostname}`);
    // Idle sockets are closed before the server's keep-alive timeout (5 s in Node), so a request never
    // goes out on a socket the server is closing at that moment (a spurious ECONNRESET).
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: 4000 });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
        payload = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
        headers['content-type'] = options.contentType ?? 'text/plain; charset=utf-8';
      } else {
        payload = Buffer.from(JSON.stringify(options.body));
        headers['content-type'] = options.contentType ?? 'application/json';
      }
      headers['content-length'] = String(payload.length);
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: this.baseUrl.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          });
        });
      });
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`${method} ${path}: no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
        req.destroy(error);
      }, timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      if (payload) req.end(payload);
      else req.end();
    });
  }

  /**
   * A request whose response is read line by line as it arrives (NDJSON progress). Resolves with the
   * status when the response ends; rejects when the connection breaks (a killed server) or on timeout.
   */
  streamLines(method: string, path: string, options: RequestOptions, onLine: (line: string) => void): Promise<number> {
    const headers: Record<string, string> = { accept: 'application/x-ndjson', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = Buffer.isBuffer(options.body) ? options.body : Buffer.from(String(options.body ?? ''));
    headers['content-type'] = options.contentType ?? 'text/csv';
    headers['content-length'] = String(payload.length);
    const timeoutMs = options.timeoutMs ?? 600_000;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: this.baseUrl.port, method, path, headers, agent: false }, (res) => {
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let newline = pending.indexOf('\n');
          while (newline >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (line) onLine(line);
            newline = pending.indexOf('\n');
          }
        });
        res.on('error', reject);
        res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          clearTimeout(timer);
          if (pending.trim()) onLine(pending.trim());
          resolve(res.statusCode ?? 0);
        });
      });
      const timer = setTimeout(
        () => req.destroy(Object.assign(new Error(`${method} ${path}: not done within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(payload);
    });
  }

  /** Sign in and return the bearer token. */
  async login(email: string, password: string): Promise<string> {
    const res = await this.request('POST', '/api/v1/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${res.text}`);
    return res.json<{ token: string }>().token;
  }

  close(): void {
    this.agent.destroy();
  }
}
