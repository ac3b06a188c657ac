import type { TestProject } from 'vitest/node';
import { requirePostgresServer, startPostgresServer } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

/** One PostgreSQL server for the whole run; every test file makes its own database on it. */
export default async function setup(project: TestProject) {
  if (!requirePostgresServer()) {
    project.provide('postgresUrl', null);
    return;
  }
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.destroy();
}
