/**
 * Load a generated book of N projects into an empty PostgreSQL database, set-based: worker threads
 * write COPY text, PostgreSQL takes it in one COPY per table, the project's secondary indexes are
 * built once after the load (as pg_restore does), and history, audit and expense rows are derived
 * with INSERT … SELECT. No per-row round trips.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { createPolicy } from '@psbook/core';
import postgres from 'postgres';
import { activateRulesets } from '../../packages/api/src/bootstrap.ts';
import { migrateToLatest, openPostgres } from '../../packages/api/src/db/database.ts';
import { loadRulesets } from '../../packages/api/src/rules/load-rulesets.ts';
import { seedDemo } from '../../packages/api/src/seed/demo.ts';
import { canvasCopyColumns, projectCopyColumns } from './generated-project.ts';
import type { GeneratorChunk, GeneratorJob } from './generator-worker.ts';
import { repoRoot } from './server.ts';
import { benchBureaus } from './vocabulary.ts';

export type LoadOptions = {
  projects: number;
  seed?: number;
  rulesDir?: string;
  /** Rows per worker job. */
  chunkRows?: number;
  log?: (message: string) => void;
};

export type LoadResult = { projects: number; canvases: number; seconds: Record<string, number> };

export async function loadBenchBook(databaseUrl: string, options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 20231122;
  const rulesDir = options.rulesDir ?? join(repoRoot, 'rules');
  const total = options.projects;
  const seconds: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    seconds[name] = Math.round((performance.now() - started) / 100) / 10;
    log(`  ${name}: ${seconds[name]} s`);
    return result;
  };

  const policy = createPolicy(loadRulesets(rulesDir));
  const database = openPostgres(databaseUrl, { poolSize: 2 });
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {}, connect_timeout: 10 });
  const work = mkdtempSync(join(tmpdir(), 'psbook-book-'));
  try {
    let createdBy = '';
    await step('schema and accounts', async () => {
      await migrateToLatest(database.db);
      await activateRulesets(database.db, policy);
      await seedDemo(database.db, policy, { projects: false });
      await database.db
        .insertInto('bureau')
        .values(benchBureaus.map(({ code, nameJa, nameEn }) => ({ code, nameJa, nameEn })))
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
      createdBy = (await database.db.selectFrom('appUser').select('id').where('email', '=', 'admin@example.jp').executeTakeFirstOrThrow())
        .id;
    });

    // Secondary indexes of project, rebuilt after the load from their own definitions.
    const indexes = await sql<{ name: string; definition: string }[]>`
      select i.indexname as name, i.indexdef as definition from pg_indexes i
      where i.schemaname = 'public' and i.tablename = 'project'
        and not exists (select from pg_constraint c where c.conname = i.indexname)
    `;
    for (const index of indexes) await sql.unsafe(`drop index ${index.name}`);

    let canvases = 0;
    await step(`generate and COPY ${total} projects`, async () => {
      const canvasFile = join(work, 'canvas.copy');
      const canvasOut = createWriteStream(canvasFile);
      const copy = await sql`copy project (${sql(projectCopyColumns as unknown as string[])}) from stdin`.writable();
      const copyDone = once(copy, 'finish');
      const workerCount = Math.max(1, Math.min(availableParallelism(), 4));
      const chunkRows = options.chunkRows ?? 5000;
      let next = 0;
      let done = 0;
      await new Promise<void>((resolve, reject) => {
        const workers = Array.from(
          { length: workerCount },
          () =>
            new Worker(new URL('./worker-boot.mjs', import.meta.url), {
              workerData: { module: new URL('./generator-worker.ts', import.meta.url).href, seed, total, rulesDir, createdBy },
            }),
        );
        const finish = (error?: Error) => {
          for (const w of workers) void w.terminate();
          if (error) reject(error);
          else resolve();
        };
        const dispatch = (worker: Worker) => {
          if (next >= total) return;
          const job: GeneratorJob = { start: next, end: Math.min(total, next + chunkRows) };
          next = job.end;
          worker.postMessage(job);
        };
        for (const worker of workers) {
          worker.on('error', finish);
          worker.on('message', (chunk: GeneratorChunk) => {
            void (async () => {
              if (!copy.write(chunk.projects)) await once(copy, 'drain');
              if (chunk.canvases) {
                canvases += chunk.canvases.split('\n').length - 1;
                if (!canvasOut.write(chunk.canvases)) await once(canvasOut, 'drain');
              }
              done += chunk.end - chunk.start;
              if (done >= total) finish();
              else dispatch(worker);
            })().catch(finish);
          });
          dispatch(worker);
        }
        if (total === 0) finish();
      });
      copy.end();
      await copyDone;
      canvasOut.end();
      await once(canvasOut, 'finish');
      const canvasCopy = await sql`copy canvas_revision (${sql(canvasCopyColumns as unknown as string[])}) from stdin`.writable();
      await pipeline(createReadStream(canvasFile), canvasCopy);
    });

    await step('project indexes', async () => {
      await sql.begin(async (tx) => {
        await tx`set local maintenance_work_mem = '1GB'`;
        for (const index of indexes) await tx.unsafe(index.definition);
      });
    });

    await step('history, audit and expense lines', async () => {
      await sql`select setval('project_code_seq', ${Math.max(1, total)}, ${total > 0})`;
      await sql`
        insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id, at)
        select id, null, tier, null, reviewer_role, ruleset_version, 'created', created_by, created_at from project
      `;
      await sql`
        insert into audit_event (at, actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
        select created_at, created_by, 'bench-loader', 'project.create', 'project', id::text, id, null,
          jsonb_build_object('code', code, 'name', name, 'bureauCode', bureau_code, 'stage', stage, 'budgetJpy', budget_jpy,
            'maxDowntimeHours', max_downtime_hours, 'confidentiality', confidentiality, 'tier', tier), null
        from project
      `;
      // Digital-related expense lines for about 60% of budgeted projects; a line can carry several categories.
      await sql`
        insert into expense_line (external_id, bureau_code, project_id, project_name, fiscal_year, categories, amount_kyen, updated_at)
        select 'EXP-' || code, bureau_code, id, name, fiscal_year,
          case abs(hashtext(code)) % 6
            when 0 then array['system_maintenance'] when 1 then array['shin_tosei'] when 2 then array['smart_tokyo']
            when 3 then array['system_maintenance', 'shin_tosei'] when 4 then array['system_maintenance', 'smart_tokyo']
            else array['shin_tosei', 'smart_tokyo'] end,
          budget_jpy / 1000, updated_at
        from project where budget_jpy is not null and abs(hashtext(code || 'x')) % 10 < 6
      `;
    });

    await step('vacuum analyze', async () => {
      // The statistics summaries took the COPY and the INSERT … SELECTs through their triggers as
      // appended changes: fold them into the totals now rather than in the first statistics request.
      await sql`select stats.fold_changes()`;
      await sql`vacuum analyze`;
    });
    return { projects: total, canvases, seconds };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await sql.end({ timeout: 5 });
    await database.close();
  }
}
