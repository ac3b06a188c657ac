import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPolicy, type RuleCaseFile, runRuleCases, ZConfidentiality } from '@psbook/core';
import { Command, InvalidArgumentError } from 'commander';
import { runBackupCommand, runRestoreCommand } from './backup.ts';
import { addUserFromCommandLine, describeProblem } from './cli-users.ts';
import { loadConfig } from './config.ts';
import { migrateToLatest, openDatabase } from './db/database.ts';
import { loadRulesets } from './rules/load-rulesets.ts';
import { seedDemo } from './seed/demo.ts';
import { runServer } from './server.ts';

const program = new Command('psbook').description('PS Book — the Project Sharing Book').showHelpAfterError();

function number(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number`);
    return n;
  };
}

/** Run a command against the configured database, closing it afterwards. */
async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

program
  .command('serve')
  .description('serve the API and UI (PORT, DATABASE_URL or PSBOOK_DATA_DIR from the environment)')
  .action(async () => {
    await runServer(loadConfig());
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    await withDatabase(async ({ db, location }) => {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `applied to ${location}: ${applied.join(', ')}` : `${location} is up to date`);
    });
  });

program
  .command('seed')
  .description('create demo data')
  .requiredOption('--demo', 'the demo book and accounts (only into a database without users)')
  .action(async () => {
    const config = loadConfig();
    const policy = createPolicy(loadRulesets(config.rulesDir));
    await withDatabase(async ({ db }) => {
      await migrateToLatest(db);
      const result = await seedDemo(db, policy);
      console.log(`demo book created: ${result.projects} projects, ${result.users} accounts (password psbook-demo)`);
    });
  });

program
  .command('backup <file>')
  .description('write a consistent backup (gzip JSON lines) of DATABASE_URL, or of PSBOOK_DATA_DIR when no server is using it')
  .action(async (file: string) => {
    await runBackupCommand(loadConfig(), file, (line) => console.log(line));
  });

program
  .command('restore <file>')
  .description('restore a backup into an empty database (DATABASE_URL or PSBOOK_DATA_DIR); refuses a database with data')
  .action(async (file: string) => {
    await runRestoreCommand(loadConfig(), file, (line) => console.log(line));
  });

const rules = program.command('rules').description('check and test the policy rules');
rules
  .command('check')
  .description('validate every ruleset in the rules directory')
  .action(() => {
    const config = loadConfig();
    const rulesets = loadRulesets(config.rulesDir);
    for (const r of Object.values(rulesets)) console.log(`ok  ${r.name}  ${r.version}`);
  });
rules
  .command('test')
  .description('run every case in rules/tests/*.cases.json')
  .action(async () => {
    const config = loadConfig();
    const policy = createPolicy(loadRulesets(config.rulesDir));
    const dir = join(config.rulesDir, 'tests');
    let passed = 0;
    let failed = 0;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.cases.json'))
      .sort()) {
      const cases = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RuleCaseFile;
      for (const result of await runRuleCases(policy, cases)) {
        if (result.passed) passed++;
        else {
          failed++;
          console.log(`FAIL ${file}: ${result.name}`);
          for (const m of result.mismatches)
            console.log(`     ${m.key}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
        }
      }
    }
    console.log(`${passed} passed, ${failed} failed`);
    if (failed) process.exitCode = 1;
  });

program
  .command('oversight')
  .description('evaluate the oversight tier for given inputs')
  .option('--budget-jpy <yen>', 'budget in yen', number('--budget-jpy'))
  .option('--max-downtime-hours <hours>', 'allowed service downtime in hours', number('--max-downtime-hours'))
  .option('--confidentiality <level>', 'data confidentiality A, B or C', (v) => {
    const parsed = ZConfidentiality.safeParse(v.toUpperCase());
    if (!parsed.success) throw new InvalidArgumentError('must be A, B or C');
    return parsed.data;
  })
  .option('--json', 'print the full evaluation as JSON')
  .action(async (options) => {
    const config = loadConfig();
    const policy = createPolicy(loadRulesets(config.rulesDir));
    const result = await policy.evaluateOversight({
      budgetJpy: options.budgetJpy,
      maxDowntimeHours: options.maxDowntimeHours,
      confidentiality: options.confidentiality,
    });
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(
      result.tier === null
        ? `区分: 未設定 (not set; at least tier ${result.lowerBound}; missing ${result.missing.join(', ')})`
        : `区分${result.tier} (tier ${result.tier}) → reviewer: ${result.reviewerRole}`,
    );
    for (const f of result.factors) console.log(`  ${f.drives ? '*' : ' '} ${f.reasonJa}`);
    console.log(`  ruleset ${result.rulesetVersion}`);
  });

const users = program.command('users').description('manage accounts');
users
  .command('add')
  .description('create an account (password from --password or PSBOOK_NEW_PASSWORD)')
  .requiredOption('--email <email>')
  .requiredOption('--name <displayName>')
  .requiredOption('--role <role>', 'staff, bureau_lead, cio_advisor, chief_cio_advisor, budget_office, govtech or admin')
  .option('--bureau <codes>', 'bureau codes, comma-separated', '')
  .option('--password <password>', 'at least 10 characters (prefer PSBOOK_NEW_PASSWORD: arguments show in ps)')
  .action(async (options) => {
    const config = loadConfig();
    const policy = createPolicy(loadRulesets(config.rulesDir));
    await withDatabase(async ({ db }) => {
      await migrateToLatest(db);
      const outcome = await addUserFromCommandLine(db, policy, {
        ...options,
        password: options.password ?? process.env.PSBOOK_NEW_PASSWORD,
      });
      if (!outcome.ok) {
        for (const problem of outcome.problems) console.error(describeProblem(problem));
        process.exitCode = 2;
        return;
      }
      console.log(`created ${outcome.user.email} (${outcome.user.role})`);
    });
  });

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`psbook: ${error.message}`);
  process.exit(1);
});
