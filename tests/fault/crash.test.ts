import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { findLedgerProblems } from '../../src/main/ledger/integrity';

/**
 * Crash safety with real processes: a child doing check-ins is killed with SIGKILL at random
 * moments, many times, on one ledger file. After each kill the file is reopened and checked.
 * (SIGKILL loses the process, not the OS page cache; power loss is what synchronous=FULL is for,
 * and that setting is asserted in the integration tests.)
 */
const KILLS = Number(process.env.CRASH_TEST_KILLS ?? 30);
const WORKER = join(import.meta.dirname, 'ledger-worker.ts');

const dir = mkdtempSync(join(tmpdir(), 'kiosk-crash-'));
const path = join(dir, 'ledger.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Acknowledged {
  checkIns: Map<string, { eventId: string; points: number }>;
  refunds: Map<string, number>;
  eventIds: string[];
}

/** Runs the worker and kills it `delayMs` after it is ready; returns every line it printed. */
function runAndKill(runId: string, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, path, runId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Only whole lines count: the kill can cut the last one short, and a half-printed line was
    // never a confirmation.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`worker ended on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('a till killed with SIGKILL mid-sale', () => {
  it(`loses nothing it confirmed and keeps every invariant, over ${KILLS} kills`, async () => {
    const acknowledged: Acknowledged = { checkIns: new Map(), refunds: new Map(), eventIds: [] };
    let totalLines = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Kill at random moments: sometimes during start-up and migration, mostly mid-stream.
      const delayMs = kill % 5 === 0 ? Math.floor(Math.random() * 3) : 5 + Math.floor(Math.random() * 120);
      const lines = await runAndKill(`run${kill}`, delayMs);
      totalLines += lines.length;
      for (const line of lines) {
        const [kind, key, eventId, value] = line.split(' ');
        if (kind === 'ready') continue;
        acknowledged.eventIds.push(eventId!);
        if (kind === 'checkin') acknowledged.checkIns.set(key!, { eventId: eventId!, points: Number(value) });
        if (kind === 'refund')
          acknowledged.refunds.set(key!, (acknowledged.refunds.get(key!) ?? 0) + Number(value));
      }

      const db = openDatabase(path);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(findLedgerProblems(db), `after kill ${kill}`).toEqual([]);
        const hasEvent = db.prepare('SELECT 1 FROM ledger_events WHERE id = ?').pluck();
        for (const eventId of acknowledged.eventIds)
          expect(hasEvent.get(eventId), `event ${eventId}`).toBe(1);
        const receipt = db.prepare(
          'SELECT points_earned, refunded_amount, earned_event_id FROM receipts WHERE receipt_id = ?',
        );
        for (const [receiptId, earned] of acknowledged.checkIns) {
          const row = receipt.get(receiptId) as {
            points_earned: number;
            refunded_amount: number;
            earned_event_id: string;
          };
          expect(row, `receipt ${receiptId}`).toBeDefined();
          expect(row.earned_event_id).toBe(earned.eventId);
          expect(row.points_earned).toBe(earned.points);
          // A refund may have committed just before the kill without being reported: at least.
          expect(row.refunded_amount).toBeGreaterThanOrEqual(acknowledged.refunds.get(receiptId) ?? 0);
        }
      } finally {
        db.close();
      }
    }
    // The test is only worth something if the workers really got work done between kills.
    expect(acknowledged.checkIns.size).toBeGreaterThan(KILLS);
    expect(totalLines).toBeGreaterThan(KILLS * 2);
  });
});
