/**
 * Arranging the book through the API (as the same demo accounts), for specs whose subject starts
 * later in a project's life: the [RELEASES] spec needs a project already in development.
 */
import { HttpClient } from '../../support/http.ts';
import { demoPassword } from './browser.ts';

export type ApiProject = { id: string; code: string; name: string; tier: number | null; stage: string; version: number };

export class BookApi {
  readonly http: HttpClient;
  private readonly tokens = new Map<string, string>();

  constructor(baseUrl: string) {
    this.http = new HttpClient(baseUrl);
  }

  async token(email: string): Promise<string> {
    let token = this.tokens.get(email);
    if (!token) {
      token = await this.http.login(email, demoPassword);
      this.tokens.set(email, token);
    }
    return token;
  }

  /** One call as `email`; anything but `expected` fails with the problem document. */
  async call<T = any>(email: string, method: string, path: string, body?: unknown, expected: number[] = [200, 201]): Promise<T> {
    const res = await this.http.request(method, `/api/v1${path}`, { token: await this.token(email), body });
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} as ${email}: ${res.status} ${res.text}`);
    return (res.text ? res.json() : undefined) as T;
  }

  close(): void {
    this.http.close();
  }
}

/** A short, unique suffix so specs sharing one server never collide on names. */
export const runTag = () => `${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 1296).toString(36)}`;
