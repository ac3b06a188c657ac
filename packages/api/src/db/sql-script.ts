import { type Kysely, sql } from 'kysely';

/**
 * Split a SQL script into statements at top-level semicolons, leaving `$$ … $$` bodies and quoted
 * strings whole. Both PGlite's `query` and postgres.js prepared statements take one statement each.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let inDollar = false;
  let inQuote = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (!inQuote && script.startsWith('$$', i)) {
      inDollar = !inDollar;
      current += '$$';
      i++;
      continue;
    }
    if (!inDollar && ch === "'") inQuote = !inQuote;
    if (!inDollar && !inQuote && ch === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
      current += '\n';
      continue;
    }
    if (ch === ';' && !inDollar && !inQuote) {
      if (current.trim()) statements.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

export async function executeScript(db: Kysely<any>, script: string): Promise<void> {
  for (const statement of splitSqlStatements(script)) await sql.raw(statement).execute(db);
}
