import type { Migration } from './types';

/**
 * The enrolment codes this till has used (as hashes), so a restart with the same
 * KIOSK_ENROLLMENT_CODE never sends it again, and a new code re-pairs a revoked till. The table
 * may already exist: the sync engine created it itself before this migration did.
 */
export const migration0005: Migration = {
  version: 5,
  description: 'enrolment codes the till has used',
  sql: `
    CREATE TABLE IF NOT EXISTS sync_used_codes (
      code_hash TEXT PRIMARY KEY,
      used_at TEXT NOT NULL
    ) STRICT;
  `,
};
