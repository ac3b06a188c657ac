import { z } from 'zod';
import { defineRegistry, type KeyOf } from '../registry/define-registry.ts';

/**
 * Every kind of notification, once (DESIGN §2.8). The API's recipients, the preference screen, the
 * admin defaults and the test matrix all read this list. `defaultChannel` is what a user gets until
 * an administrator or the user changes it.
 */
export const notificationKindRegistry = defineRegistry('notification kind', [
  { key: 'release_request_routed', ja: 'リリース判定の依頼', en: 'Release request to judge', defaultChannel: 'email' },
  { key: 'release_request_decided', ja: 'リリース判定の結果', en: 'Release request judged', defaultChannel: 'email' },
  { key: 'release_request_due', ja: 'リリース判定の期限が近い', en: 'Release request due soon', defaultChannel: 'email' },
  { key: 'release_request_overdue', ja: 'リリース判定の期限超過', en: 'Release request overdue', defaultChannel: 'email' },
  { key: 'tier_decrease_waiting', ja: '区分引下げの同意依頼', en: 'Tier decrease to consent to', defaultChannel: 'email' },
  { key: 'tier_decrease_decided', ja: '区分引下げの判断', en: 'Tier decrease decided', defaultChannel: 'in_app' },
  { key: 'tech_reviews_to_write', ja: '技術的評価の作成依頼', en: 'Tech reviews to write', defaultChannel: 'email' },
  { key: 'tech_reviews_due', ja: '技術的評価の期限が近い', en: 'Tech reviews due soon', defaultChannel: 'email' },
  { key: 'tech_reviews_submitted', ja: '評価書の提出', en: 'Evaluation report submitted', defaultChannel: 'email' },
  { key: 'consultation_routed', ja: '協議の依頼', en: 'Consultation to answer', defaultChannel: 'email' },
  { key: 'consultation_replied', ja: '協議への返信', en: 'Reply in a consultation', defaultChannel: 'email' },
  { key: 'consultation_overdue', ja: '協議の回答期限超過', en: 'Consultation overdue', defaultChannel: 'email' },
  { key: 'guidance_recorded', ja: '指導の記録', en: 'Guidance recorded', defaultChannel: 'email' },
  { key: 'action_assigned', ja: '対応事項の割当て', en: 'Follow-up action assigned', defaultChannel: 'email' },
  { key: 'action_to_verify', ja: '対応事項の確認依頼', en: 'Follow-up action to verify', defaultChannel: 'email' },
  { key: 'exemption_to_decide', ja: '免除の判断依頼', en: 'Exemption to decide', defaultChannel: 'email' },
  { key: 'exemption_decided', ja: '免除の判断', en: 'Exemption decided', defaultChannel: 'email' },
  { key: 'exemption_expiring', ja: '免除の期限が近い', en: 'Exemption expiring', defaultChannel: 'email' },
  { key: 'status_report_due', ja: '状況報告の期限が近い', en: 'Status report due soon', defaultChannel: 'email' },
  { key: 'status_report_overdue', ja: '状況報告の期限超過', en: 'Status report overdue', defaultChannel: 'email' },
] as const satisfies readonly [NotificationKindEntry, ...NotificationKindEntry[]]);

type NotificationKindEntry = { key: string; ja: string; en: string; defaultChannel: 'in_app' | 'email' };
export type TNotificationKind = KeyOf<typeof notificationKindRegistry>;
/** Each kind's Japanese and English name, as the inbox and the preference screen show it. */
export const notificationKinds = notificationKindRegistry.labels;
export const notificationKindList = notificationKindRegistry.keys;
export const ZNotificationKind = notificationKindRegistry.schema;

/** in_app: the bell only; email: the bell and a mail. */
export const ZNotificationChannel = z.enum(['in_app', 'email']);
/** immediate: one mail per notification; digest: one mail a day with everything of the day. */
export const ZNotificationCadence = z.enum(['immediate', 'digest']);
export type TNotificationChannel = z.infer<typeof ZNotificationChannel>;
export type TNotificationCadence = z.infer<typeof ZNotificationCadence>;

export const ZNotificationPreference = z.object({
  kind: ZNotificationKind,
  channel: ZNotificationChannel,
  cadence: ZNotificationCadence,
});
export type TNotificationPreference = z.infer<typeof ZNotificationPreference>;

/** A user's own choices (or admin's defaults): one entry per kind it changes; kinds left out keep theirs. */
export const ZNotificationPreferencesRequest = z
  .object({ items: z.array(ZNotificationPreference).min(1).max(notificationKindList.length) })
  .refine((body) => new Set(body.items.map((i) => i.kind)).size === body.items.length, {
    message: 'each kind at most once',
    path: ['items'],
  });
export type TNotificationPreferencesRequest = z.infer<typeof ZNotificationPreferencesRequest>;

export const ZMarkNotificationsReadRequest = z.union([
  z
    .object({
      ids: z
        .array(z.uuid({ message: 'must be a UUID' }))
        .min(1)
        .max(500),
    })
    .strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
export type TMarkNotificationsReadRequest = z.infer<typeof ZMarkNotificationsReadRequest>;

export const ZNotification = z.object({
  id: z.string(),
  kind: ZNotificationKind,
  entityType: z.string(),
  entityId: z.string(),
  projectId: z.string().nullable(),
  /** Where to act, relative to the UI's root (e.g. /release-requests/…). */
  path: z.string(),
  titleJa: z.string(),
  titleEn: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type TNotification = z.infer<typeof ZNotification>;

export const ZNotificationPage = z.object({ items: z.array(ZNotification), nextCursor: z.string().nullable(), unread: z.number().int() });

export const ZOutboxStatus = z.enum(['pending', 'sent', 'failed']);
export type TOutboxStatus = z.infer<typeof ZOutboxStatus>;
export const ZOutboxMail = z.object({
  id: z.string(),
  messageId: z.string(),
  toEmail: z.string(),
  subject: z.string(),
  body: z.string(),
  status: ZOutboxStatus,
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type TOutboxMail = z.infer<typeof ZOutboxMail>;
