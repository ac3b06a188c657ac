import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { type Services, systemContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import * as outbox from '../db/queries/email-outbox.ts';
import { runReminders } from '../domain/reminders.ts';

/*
 * Delivery of the e-mail outbox (docs/decisions/0012-notifications-outbox.md). Every API process runs
 * one worker; rows are claimed with FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moved past the
 * longest a send can take), so two processes never send the same row at once, and a process killed
 * mid-send leaves the row to be claimed again when the lease ends. The one window where a mail can go
 * out twice is a crash after the SMTP server accepted it and before the row is marked sent; the second
 * copy carries the same Message-ID, which receiving systems use to recognise it.
 */

/** A claimed row is not offered again for this long (longer than a send can take with the timeouts below). */
const leaseSeconds = 300;
/** Temporary failures are retried this many times before the mail is marked failed. */
export const maxMailAttempts = 8;
const maxBackoffSeconds = 3600;

/** The mail as sent and as admin reads it: the stored text, then the link to the screen. */
export function renderMailText(row: { body: string; path: string }, publicUrl: string): string {
  return `${row.body}\n\n画面を開く / Open: ${publicUrl}${row.path}\n`;
}

export type MailSender = (mail: { from: string; to: string; subject: string; text: string; messageId: string }) => Promise<void>;

/** An SMTP sender on nodemailer (PSBOOK_SMTP_URL). */
export function smtpSender(smtpUrl: string): { send: MailSender; close(): void } {
  const url = new URL(smtpUrl);
  // Bounded waits: a send must end well within the claim's lease (leaseSeconds).
  url.searchParams.set('connectionTimeout', '30000');
  url.searchParams.set('greetingTimeout', '30000');
  url.searchParams.set('socketTimeout', '60000');
  const transport = nodemailer.createTransport(url.toString());
  return {
    send: async (mail) => {
      await transport.sendMail({ ...mail, headers: { 'Auto-Submitted': 'auto-generated' } });
    },
    close: () => transport.close(),
  };
}

/** 5xx replies are final (the server will not take this mail); anything else (4xx, network) may pass later. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

const describe = (error: unknown) => {
  const e = error as { responseCode?: number; response?: string; message?: string };
  return (e.response ? `${e.responseCode ?? ''} ${e.response}` : (e.message ?? String(error))).trim().slice(0, 1000);
};

/** Claim up to `limit` due mails for this process, under a lease (db/queries/email-outbox.ts). */
export const claimDueMails = (db: Db, limit: number) => outbox.claimDueMails(db, limit, leaseSeconds);

/** Send what is due, until nothing is. Returns how many were sent. */
export async function deliverDueMails(db: Db, config: Pick<Config, 'publicUrl' | 'mailFrom' | 'mailRetrySeconds'>, send: MailSender) {
  let sent = 0;
  for (;;) {
    const batch = await claimDueMails(db, 10);
    if (!batch.length) return sent;
    for (const row of batch) {
      try {
        await send({
          from: config.mailFrom,
          to: row.toEmail,
          subject: row.subject,
          text: renderMailText(row, config.publicUrl),
          messageId: row.messageId,
        });
        await outbox.markMailSent(db, row.id);
        sent++;
      } catch (error) {
        const reason = describe(error);
        if (isPermanent(error) || row.attempts >= maxMailAttempts) {
          const lastError = isPermanent(error) ? reason : `gave up after ${row.attempts} attempts: ${reason}`;
          await outbox.markMailFailed(db, row.id, lastError);
        } else {
          const wait = Math.min(config.mailRetrySeconds * 2 ** (row.attempts - 1), maxBackoffSeconds);
          await outbox.retryMailLater(db, row.id, wait, reason);
        }
      }
    }
  }
}

/** A loop that runs `task` now and then every `intervalMs`, never twice at once; `stop` waits for a running pass. */
export function startLoop(task: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    running = task()
      .then(
        () => undefined,
        (error) => onError(error),
      )
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The outbox worker of one API process; without PSBOOK_SMTP_URL there is none and mails stay in the outbox. */
export function startMailWorker(db: Db, config: Config, log: (message: string) => void) {
  if (!config.smtpUrl) return null;
  const smtp = smtpSender(config.smtpUrl);
  const loop = startLoop(
    () => deliverDueMails(db, config, smtp.send),
    config.mailPollSeconds * 1000,
    (error) => log(`mail worker: ${(error as Error).message}`),
  );
  return {
    async stop() {
      await loop.stop();
      smtp.close();
    },
  };
}

/** The reminder scheduler of one API process (domain/reminders.ts); each reminder goes out once across processes. */
export function startReminderScheduler(services: Services, log: (message: string) => void) {
  const { config } = services;
  if (config.reminderIntervalSeconds <= 0) return null;
  return startLoop(
    // The policy is read at each pass: a rules reload applies to the next one.
    () => runReminders(systemContext(services, 'reminders')),
    config.reminderIntervalSeconds * 1000,
    (error) => log(`reminders: ${(error as Error).message}`),
  );
}
