import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresDescription: string;
  }
}

/** Starts the PostgreSQL the "postgres" project runs on (or uses DATABASE_URL). */
export default async function setup(project: TestProject) {
  const given = process.env.DATABASE_URL?.trim();
  if (given) {
    project.provide('postgresUrl', given);
    project.provide('postgresDescription', 'PostgreSQL from DATABASE_URL');
    return;
  }
  const pg = await startThrowawayPostgres();
  project.provide('postgresUrl', pg.url);
  project.provide('postgresDescription', `${pg.version}, throwaway cluster on 127.0.0.1:${pg.port}`);
  console.log(`[server tests] started ${pg.version} on 127.0.0.1:${pg.port} (deleted afterwards)`);
  return () => pg.stop();
}
