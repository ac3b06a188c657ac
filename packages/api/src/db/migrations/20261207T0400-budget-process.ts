import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * The budget-compilation process of slide 83 (issue 15, decision 0016).
 * - Role `govtech`: GovTech Tokyo / Digital Service Bureau technical staff, who write the tech reviews.
 * - A cycle carries the fourth milestone (予算案発表) and the viewpoints and rating scale it was opened
 *   with, so a ruleset change during the year does not change what its reviews rate. Cycles opened
 *   before carry the three viewpoints of slide 83 on a 1–5 scale, which is what they were rated on.
 * - A review's ratings move from three fixed column pairs into one jsonb keyed by viewpoint id.
 * - Extraction flags: 区分未設定 (tier not set, the known factors already give tier ≥ 2) and no written canvas.
 * - The budget office's reflection of each submitted review (反映 / 一部反映 / 未反映, amount change).
 * - GovTech Tokyo's technical guidance in consultations: a third side of the thread, `technical`.
 */
const slide83Viewpoints = JSON.stringify({
  rulesetVersion: 'slide-83',
  viewpoints: [
    { id: 'technical', label: { ja: '技術面', en: 'Technical' }, guidance: { ja: '技術面', en: 'Technical' } },
    { id: 'usability', label: { ja: 'ユーザビリティ', en: 'Usability' }, guidance: { ja: 'ユーザビリティ', en: 'Usability' } },
    { id: 'security', label: { ja: 'セキュリティ', en: 'Security' }, guidance: { ja: 'セキュリティ', en: 'Security' } },
  ],
  ratingScale: [1, 2, 3, 4, 5].map((value) => ({ value, label: { ja: String(value), en: String(value) } })),
});

export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    alter table app_user drop constraint app_user_role_check;
    alter table app_user add constraint app_user_role_check
      check (role in ('staff','bureau_lead','cio_advisor','chief_cio_advisor','budget_office','govtech','admin'));

    alter table budget_cycle add column budget_announcement_date date;
    update budget_cycle set budget_announcement_date = make_date(fiscal_year, 1, 25);
    alter table budget_cycle alter column budget_announcement_date set not null;
    alter table budget_cycle add constraint budget_cycle_announcement_order check (budget_announcement_date >= submission_date);
    alter table budget_cycle add column viewpoints jsonb;
    update budget_cycle set viewpoints = '${slide83Viewpoints}'::jsonb;
    alter table budget_cycle alter column viewpoints set not null;

    alter table tech_review add column viewpoints jsonb not null default '{}'::jsonb;
    update tech_review set viewpoints = jsonb_build_object(
      'technical', jsonb_build_object('rating', technical_rating, 'comment', technical_comment),
      'usability', jsonb_build_object('rating', usability_rating, 'comment', usability_comment),
      'security', jsonb_build_object('rating', security_rating, 'comment', security_comment));
    alter table tech_review
      drop column technical_rating, drop column technical_comment,
      drop column usability_rating, drop column usability_comment,
      drop column security_rating, drop column security_comment;
    alter table tech_review
      add column is_tier_not_set boolean not null default false,
      add column is_canvas_missing boolean not null default false;

    -- GovTech Tokyo's technical guidance in a consultation is its own side of the thread.
    alter table consultation_message drop constraint consultation_message_side_check;
    alter table consultation_message add constraint consultation_message_side_check check (side in ('bureau','consultee','technical'));

    create table tech_review_reflection (
      tech_review_id uuid primary key references tech_review(id) on delete cascade,
      outcome text not null check (outcome in ('reflected','partly_reflected','not_reflected')),
      amount_change_jpy bigint not null,
      comment text not null default '',
      recorded_by uuid not null references app_user(id),
      recorded_at timestamptz not null default now(),
      version integer not null default 1
    );
    create index tech_review_reflection_outcome_idx on tech_review_reflection (outcome);
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop table tech_review_reflection;
    update consultation_message set side = 'consultee' where side = 'technical';
    alter table consultation_message drop constraint consultation_message_side_check;
    alter table consultation_message add constraint consultation_message_side_check check (side in ('bureau','consultee'));
    alter table tech_review drop column is_tier_not_set, drop column is_canvas_missing;
    alter table tech_review
      add column technical_rating smallint check (technical_rating between 1 and 5),
      add column technical_comment text not null default '',
      add column usability_rating smallint check (usability_rating between 1 and 5),
      add column usability_comment text not null default '',
      add column security_rating smallint check (security_rating between 1 and 5),
      add column security_comment text not null default '';
    update tech_review set
      technical_rating = least((viewpoints->'technical'->>'rating')::smallint, 5),
      technical_comment = coalesce(viewpoints->'technical'->>'comment', ''),
      usability_rating = least((viewpoints->'usability'->>'rating')::smallint, 5),
      usability_comment = coalesce(viewpoints->'usability'->>'comment', ''),
      security_rating = least((viewpoints->'security'->>'rating')::smallint, 5),
      security_comment = coalesce(viewpoints->'security'->>'comment', '');
    alter table tech_review drop column viewpoints;
    alter table budget_cycle drop column viewpoints;
    alter table budget_cycle drop constraint budget_cycle_announcement_order;
    alter table budget_cycle drop column budget_announcement_date;
    update app_user set role = 'admin' where role = 'govtech';
    alter table app_user drop constraint app_user_role_check;
    alter table app_user add constraint app_user_role_check
      check (role in ('staff','bureau_lead','cio_advisor','chief_cio_advisor','budget_office','admin'));
    `,
  );
}
