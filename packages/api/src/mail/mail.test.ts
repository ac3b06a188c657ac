import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';
import { claimDueMails, deliverDueMails, renderMailText, smtpSender } from './mail.ts';

/**
 * A real SMTP server in the test process: `reply` decides, per message, whether it is accepted or
 * refused with an SMTP code; every accepted message is parsed and kept.
 */
function startSmtp() {
  const received: ParsedMail[] = [];
  let reply: (n: number) => { code: number; message: string } | null = () => null;
  let offered = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = reply(++offered);
        if (refusal) {
          const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
          callback(error);
          return;
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        });
      });
    },
  });
  return {
    received,
    setReply(fn: typeof reply) {
      reply = fn;
      offered = 0;
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const staffInd = 'staff.ind@example.jp';

async function fileTier1Request(t: TestApp): Promise<string> {
  const created = await t.request('POST', '/api/v1/projects', {
    as: staffInd,
    body: {
      name: 'メール配信の確認',
      bureauCode: 'IND',
      fiscalYear: 2026,
      budgetJpy: 1_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'C',
    },
  });
  const project = await created.json();
  await t.services.db.updateTable('project').set({ stage: 'development' }).where('id', '=', project.id).execute();
  const res = await t.request('POST', `/api/v1/projects/${project.id}/release-requests`, {
    as: staffInd,
    body: { plannedReleaseDate: '2026-12-01' },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

const config = { publicUrl: 'https://psbook.example.jp', mailFrom: 'PS Book <psbook@example.jp>', mailRetrySeconds: 0 };
const mailOf = (t: TestApp, requestId: string) =>
  t.services.db
    .selectFrom('emailOutbox as m')
    .innerJoin('notification as n', 'n.id', 'm.notificationId')
    .selectAll('m')
    .where('n.entityId', '=', requestId)
    .executeTakeFirstOrThrow();

describeOnBothDatabases('e-mail delivery to a real SMTP server', (t) => {
  const smtp = startSmtp();
  let sender: ReturnType<typeof smtpSender>;
  beforeAll(async () => {
    sender = smtpSender(await smtp.listen());
  });
  afterAll(async () => {
    sender.close();
    await smtp.close();
  });

  // Other suites' mails may be due in the same database: send them too, then look for ours.
  const deliver = () => deliverDueMails(t().services.db, config, sender.send);

  it('sends the reviewer one mail, Japanese then English, with the link to the screen and the stable Message-ID', async () => {
    smtp.setReply(() => null);
    const requestId = await fileTier1Request(t());
    await deliver();
    const row = await mailOf(t(), requestId);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    const mails = smtp.received.filter((m) => m.messageId === row.messageId);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect((mail.to as { text: string }).text).toBe('lead.ind@example.jp');
    expect(mail.subject).toMatch(/^\[PS Book\] リリース判定の依頼 PS\d+ メール配信の確認 \/ Release request to judge/);
    expect(mail.text).toContain('区分1の各局（管理者）として判定してください');
    expect(mail.text!.indexOf('判定してください')).toBeLessThan(mail.text!.indexOf('Please judge'));
    expect(mail.text).toContain(`https://psbook.example.jp/release-requests/${requestId}`);
    // Sending again finds nothing due.
    await deliver();
    expect(smtp.received.filter((m) => m.messageId === row.messageId)).toHaveLength(1);
  });

  it('retries with backoff after a temporary refusal and delivers once; a 5xx refusal is final, with the reason', async () => {
    smtp.setReply((n) => (n <= 2 ? { code: 451, message: 'try again later' } : null));
    const requestId = await fileTier1Request(t());
    await deliver();
    let row = await mailOf(t(), requestId);
    // mailRetrySeconds 0 makes the backoff 0 s, so one pass retries until the server accepts.
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    expect(smtp.received.filter((m) => m.messageId === row.messageId)).toHaveLength(1);

    // With a real backoff, a refused mail waits: next_attempt_at moves into the future.
    smtp.setReply(() => ({ code: 421, message: 'busy' }));
    const waitingId = await fileTier1Request(t());
    await deliverDueMails(t().services.db, { ...config, mailRetrySeconds: 60 }, sender.send);
    row = await mailOf(t(), waitingId);
    expect(row.status).toBe('pending');
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/421/);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    await t().services.db.updateTable('emailOutbox').set({ nextAttemptAt: new Date() }).where('id', '=', row.id).execute();

    smtp.setReply(() => ({ code: 550, message: 'no such mailbox' }));
    await deliver();
    row = await mailOf(t(), waitingId);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row.lastError).toMatch(/550.*no such mailbox/);
    const outbox = await (await t().request('GET', '/api/v1/admin/outbox?status=failed', { as: 'admin@example.jp' })).json();
    expect(outbox.items.find((m: { id: string }) => m.id === row.id)).toMatchObject({ status: 'failed', lastError: row.lastError });
  });

  it('two workers at once send each mail once', async () => {
    smtp.setReply(() => null);
    await fileTier1Request(t());
    await fileTier1Request(t());
    const before = smtp.received.length;
    const due = await t().services.db.selectFrom('emailOutbox').select('messageId').where('status', '=', 'pending').execute();
    await Promise.all([deliver(), deliver(), deliver()]);
    const sent = smtp.received.slice(before).map((m) => m.messageId);
    expect(sent.sort()).toEqual(due.map((d) => d.messageId).sort());
  });

  it('a process that dies mid-send leaves its claim to expire: the mail is claimed again, with the same Message-ID', async () => {
    smtp.setReply(() => null);
    const requestId = await fileTier1Request(t());
    const { db } = t().services;
    // Another process claimed the due mails and died before sending (or before marking them sent).
    const claimed = await claimDueMails(db, 100);
    const row = claimed.find((m) => m.body.includes('メール配信の確認') && m.path === `/release-requests/${requestId}`)!;
    expect(row).toBeDefined();
    await deliver();
    expect(smtp.received.filter((m) => m.messageId === row.messageId)).toHaveLength(0);
    // Its lease ends.
    await db
      .updateTable('emailOutbox')
      .set({ nextAttemptAt: new Date(Date.now() - 1000) })
      .where('status', '=', 'pending')
      .execute();
    await deliver();
    expect(smtp.received.filter((m) => m.messageId === row.messageId)).toHaveLength(1);
    expect(await mailOf(t(), requestId)).toMatchObject({ status: 'sent', attempts: 2, messageId: row.messageId });
  });
});

it('reads the mail settings: an SMTP URL must be smtp:// or smtps://, the public URL loses its trailing slash', () => {
  expect(loadConfig({}).smtpUrl).toBeNull();
  expect(loadConfig({}).publicUrl).toBe('http://localhost:8787');
  expect(loadConfig({ PSBOOK_SMTP_URL: 'smtps://u:p@mail.example.jp:465' }).smtpUrl).toBe('smtps://u:p@mail.example.jp:465');
  expect(() => loadConfig({ PSBOOK_SMTP_URL: 'http://mail.example.jp' })).toThrow(
    /PSBOOK_SMTP_URL must start with smtp:\/\/ or smtps:\/\//,
  );
  expect(() => loadConfig({ PSBOOK_SMTP_URL: 'mail.example.jp' })).toThrow(/absolute URL/);
  expect(loadConfig({ PSBOOK_PUBLIC_URL: 'https://psbook.example.jp/' }).publicUrl).toBe('https://psbook.example.jp');
  expect(renderMailText({ body: '本文', path: '/release-requests/1' }, 'https://psbook.example.jp')).toBe(
    '本文\n\n画面を開く / Open: https://psbook.example.jp/release-requests/1\n',
  );
});
