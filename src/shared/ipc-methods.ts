/**
 * The IPC channels and the window.kiosk method each one is, without zod: the browser host's shim
 * (src/renderer/src/kiosk-bridge.ts) builds window.kiosk from this table so the screens' bundle
 * carries no schemas. src/shared/ipc.ts checks at compile time that it matches the contract.
 */
export const CHANNEL_METHODS = {
  'kiosk:status': 'status',
  'customer:enroll': 'enroll',
  'consent:change': 'changeConsent',
  'checkin:create': 'checkIn',
  'reward:redeem': 'redeem',
  'sale:refund': 'refund',
  'points:adjust': 'adjustPoints',
  'balance:get': 'balance',
  'history:list': 'history',
  'day:totals': 'dayTotals',
  'day:close': 'closeDay',
  'day:report': 'dayReport',
  'day:exportCsv': 'exportDayCsv',
  'checkins:today': 'todaysCheckIns',
  'sync:now': 'syncNow',
  'flags:list': 'serverFlags',
  'customer:lookup': 'lookupCustomer',
  'store:update': 'updateStore',
  'settings:update': 'updateDisplay',
  'sale:pending': 'pendingSale',
  'pos:token': 'posToken',
  'kiosk:pair': 'pair',
  'staff:state': 'staffState',
  'staff:setupManager': 'setupManager',
  'staff:signIn': 'staffSignIn',
  'staff:signOut': 'staffSignOut',
  'staff:list': 'listStaff',
  'staff:save': 'saveStaff',
  'staff:remove': 'removeStaff',
} as const;
