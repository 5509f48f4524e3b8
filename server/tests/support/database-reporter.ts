import type { Reporter, TestModule } from 'vitest/node';
import { findPostgresBinaries } from './postgres';

/** At the end of the run, says plainly which databases the server suite ran on. */
export default class DatabaseReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const byProject = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const module of testModules) {
      const name = module.project.name;
      const counts = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      byProject.set(name, counts);
    }
    const label: Record<string, string> = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };
    const lines = [...byProject].map(
      ([name, c]) => `  ${label[name] ?? name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`,
    );
    if (!byProject.has('postgres')) {
      const available = Boolean(process.env.DATABASE_URL?.trim() || findPostgresBinaries());
      lines.push(
        available
          ? '  PostgreSQL: not selected in this run'
          : '  PostgreSQL: NOT RUN (not installed and no DATABASE_URL)',
      );
    }
    console.log(`\nServer suite ran on:\n${lines.join('\n')}\n`);
  }
}
