/**
 * The outbox under real processes (issue 14): a server SIGKILLed right after a release request
 * committed sends its mail exactly once after a restart; two servers on one PostgreSQL send each
 * reminder once. The SMTP server is real (smtp-server) and runs in the test process.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import postgres from 'postgres';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { runPsbook, type ServerProcess, startServer } from '../support/server.ts';

type Received = { messageId: string; to: string; subject: string; text: string };
const received: Received[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, _session, callback) {
    void simpleParser(stream).then((mail) => {
      received.push({
        messageId: mail.messageId ?? '',
        to: (mail.to as { text: string }).text,
        subject: mail.subject ?? '',
        text: mail.text ?? '',
      });
      callback();
    }, callback);
  },
});
// The test kills API servers, and a killed server's SMTP connection is reset: smtp-server reports that
// as an 'error' event, which an emitter without a listener throws out of the test run. Resets are
// expected here; anything else fails the file.
const smtpErrors: Error[] = [];
smtp.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'ECONNRESET') smtpErrors.push(error);
});
let smtpUrl = '';
const work = mkdtempSync(join(tmpdir(), 'psbook-notify-'));
beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  expect(smtpErrors).toEqual([]);
  rmSync(work, { recursive: true, force: true });
});

async function postgresDatabase(label: string): Promise<string | null> {
  const adminUrl = inject('postgresUrl');
  if (!adminUrl) {
    if (process.env.CI === 'true') throw new Error('CI needs the PostgreSQL server for this test');
    return null;
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `faults_${label}_${Date.now()}`;
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const seeded = await runPsbook(['seed', '--demo'], { DATABASE_URL: url.toString() });
  if (seeded.code !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
  return url.toString();
}

/** File a release request on a demo IND project in development (one without a pending request). */
async function fileReleaseRequest(client: HttpClient, token: string): Promise<string> {
  const list = client.request('GET', '/api/v1/projects?stage=development&bureau=IND&limit=50', { token });
  for (const project of (await list).json<{ items: { id: string; tier: number | null }[] }>().items) {
    if (project.tier === null) continue;
    // The demo leaves one request waiting for the bureau lead; its bureau withdraws it so this test files its own.
    const filed = await client.request('GET', `/api/v1/projects/${project.id}/release-requests`, { token });
    const pending = filed.json<{ items: { id: string; status: string; version: number }[] }>().items.find((r) => r.status === 'pending');
    if (pending) {
      const withdrawn = await client.request('POST', `/api/v1/release-requests/${pending.id}/withdraw`, {
        token,
        body: { version: pending.version, reason: '障害試験のため取り下げ' },
      });
      if (withdrawn.status !== 200) continue;
    }
    const res = await client.request('POST', `/api/v1/projects/${project.id}/release-requests`, {
      token,
      body: { plannedReleaseDate: '2027-01-15' },
    });
    if (res.status === 201) return res.json<{ id: string }>().id;
  }
  throw new Error('no demo project could take a release request');
}

const waitFor = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
};

describe.each(['pglite', 'postgres'] as const)('the outbox across a SIGKILL [%s]', (kind) => {
  it('a mail committed with its event but not yet sent goes out exactly once after a restart', async (context) => {
    const env: Record<string, string> =
      kind === 'pglite'
        ? { PSBOOK_DATA_DIR: join(work, 'kill'), PSBOOK_DEMO: 'true' }
        : { DATABASE_URL: (await postgresDatabase('notify_kill')) ?? '' };
    if (!env.DATABASE_URL && kind === 'postgres') {
      context.skip();
      return;
    }
    const mailEnv = { PSBOOK_SMTP_URL: smtpUrl, PSBOOK_PUBLIC_URL: 'https://psbook.example.jp', PSBOOK_REMINDER_INTERVAL_SECONDS: '0' };
    // The worker looks once at start, then not for an hour: the request below commits while no send is under way.
    let server: ServerProcess = await startServer({ env: { ...env, ...mailEnv, PSBOOK_MAIL_POLL_SECONDS: '3600' } });
    let client = new HttpClient(server.url);
    let requestId: string;
    try {
      const token = await client.login('staff.ind@example.jp', 'psbook-demo');
      await new Promise((r) => setTimeout(r, 500));
      requestId = await fileReleaseRequest(client, token);
    } finally {
      client.close();
      await server.kill();
    }
    const link = `https://psbook.example.jp/release-requests/${requestId}`;
    expect(received.filter((m) => m.text.includes(link))).toEqual([]);

    server = await startServer({ env: { ...env, ...mailEnv, PSBOOK_MAIL_POLL_SECONDS: '1' } });
    client = new HttpClient(server.url);
    try {
      await waitFor(() => received.some((m) => m.text.includes(link)), 20_000);
      // Several more polls: nothing is sent again.
      await new Promise((r) => setTimeout(r, 3000));
      const mails = received.filter((m) => m.text.includes(link));
      expect(mails, server.output()).toHaveLength(1);
      expect(mails[0]!.subject).toContain('リリース判定の依頼');
      const admin = await client.login('admin@example.jp', 'psbook-demo');
      const outbox = (await client.request('GET', '/api/v1/admin/outbox?limit=200', { token: admin })).json<{
        items: { messageId: string; status: string; body: string }[];
      }>();
      const row = outbox.items.find((m) => m.body.includes(link))!;
      expect(row).toMatchObject({ status: 'sent', messageId: mails[0]!.messageId });
    } finally {
      client.close();
      await server.stop();
    }
  });
});

describe('reminders with two API processes on one PostgreSQL server', () => {
  it('sends each reminder once', async (context) => {
    const databaseUrl = await postgresDatabase('notify_two');
    if (!databaseUrl) {
      context.skip();
      return;
    }
    const env = {
      DATABASE_URL: databaseUrl,
      PSBOOK_SMTP_URL: smtpUrl,
      PSBOOK_PUBLIC_URL: 'https://psbook.example.jp',
      PSBOOK_MAIL_POLL_SECONDS: '1',
      PSBOOK_REMINDER_INTERVAL_SECONDS: '1',
    };
    const servers = await Promise.all([startServer({ env }), startServer({ env })]);
    const client = new HttpClient(servers[0]!.url);
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const token = await client.login('staff.ind@example.jp', 'psbook-demo');
      const requestId = await fileReleaseRequest(client, token);
      await sql`update release_request set due_at = now() - interval '1 minute' where id = ${requestId}`;
      const link = `https://psbook.example.jp/release-requests/${requestId}`;
      const overdue = () => received.filter((m) => m.text.includes(link) && m.subject.includes('期限超過'));
      await waitFor(() => overdue().length > 0, 20_000);
      // Both schedulers run several more passes.
      await new Promise((r) => setTimeout(r, 4000));
      const [reviewers] = await sql<{ n: number }[]>`
        select count(*)::int as n from notification where entity_id = ${requestId} and kind = 'release_request_routed'`;
      const notices = await sql<{ user_id: string }[]>`
        select user_id from notification where entity_id = ${requestId} and kind = 'release_request_overdue'`;
      expect(notices.length).toBe(reviewers!.n);
      expect(notices.length).toBeGreaterThan(0);
      expect(overdue()).toHaveLength(notices.length);
      const keys = await sql`select key from reminder_sent where key like ${`release_request:${requestId}:%`}`;
      expect(keys.map((k) => k.key)).toEqual([`release_request:${requestId}:overdue`]);
    } finally {
      await sql.end();
      client.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});
