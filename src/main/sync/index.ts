export {
  createSyncEngine,
  DEFAULT_SYNC_OPTIONS,
  type CustomerLookup,
  type RegisterResult,
  type SyncEngine,
  type SyncEngineDeps,
  type SyncLog,
  type SyncOptions,
  type SyncStatus,
  type Timers,
} from './engine';
export type { ServerDayTotals, ZReport } from './day-close';
export {
  createFileSecretStore,
  createMemorySecretStore,
  createSealedSecretStore,
  type Sealer,
  type SecretStore,
} from './secrets';
export { SyncFailure, type FetchLike, type FailureKind } from './transport';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export type { ServerFlagsView } from './flags';
