export {
  createStaffService,
  hashPin,
  LOCK_MS,
  MAX_WRONG_PINS,
  SESSION_IDLE_MS,
  type SaveStaffInput,
  type StaffDeps,
  type StaffService,
} from './staff';
