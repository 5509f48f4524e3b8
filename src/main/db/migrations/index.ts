import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-rules-engine';
import { migration0003 } from './0003-sync-state';
import { migration0004 } from './0004-pos-sales';
import { migration0005 } from './0005-used-enrolment-codes';
import { migration0006 } from './0006-staff';
import { migration0007 } from './0007-store-time-zones';
import type { Migration } from './types';

/** Every schema version in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
];

export const LATEST_SCHEMA_VERSION = migrations.length;
