import { contextBridge, ipcRenderer } from 'electron';
import type { BridgeFunction, ChannelName, KioskBridge } from '../shared/ipc';

// The bridge between the untrusted renderer and main: one named function per contract channel
// (src/shared/ipc.ts) and nothing else. No generic invoke(channel, …), no ipcRenderer, no
// process.env. Each function passes its single argument to its own channel; main checks the sender
// and parses the input. The object's type is KioskBridge, derived from the contract, and the
// compile-time check below fails if a channel is missing or an extra function appears.

/** Builds the function of one channel. Not exposed: the page only ever sees the named functions. */
const call = <C extends ChannelName>(channel: C) =>
  ((input?: unknown) => ipcRenderer.invoke(channel, input)) as BridgeFunction<C>;

const kiosk = {
  bridgeVersion: 4,
  status: call('kiosk:status'),
  enroll: call('customer:enroll'),
  changeConsent: call('consent:change'),
  checkIn: call('checkin:create'),
  redeem: call('reward:redeem'),
  refund: call('sale:refund'),
  adjustPoints: call('points:adjust'),
  balance: call('balance:get'),
  history: call('history:list'),
  dayTotals: call('day:totals'),
  closeDay: call('day:close'),
  dayReport: call('day:report'),
  exportDayCsv: call('day:exportCsv'),
  todaysCheckIns: call('checkins:today'),
  syncNow: call('sync:now'),
  serverFlags: call('flags:list'),
  lookupCustomer: call('customer:lookup'),
  updateStore: call('store:update'),
  updateDisplay: call('settings:update'),
  pair: call('kiosk:pair'),
  pendingSale: call('sale:pending'),
  posToken: call('pos:token'),
  staffState: call('staff:state'),
  setupManager: call('staff:setupManager'),
  staffSignIn: call('staff:signIn'),
  staffSignOut: call('staff:signOut'),
  listStaff: call('staff:list'),
  saveStaff: call('staff:save'),
  removeStaff: call('staff:remove'),
} as const satisfies KioskBridge;

// Exactly the contract's methods, no more, no less, each on its own channel: `satisfies` refuses a
// missing, extra or mistyped function (checkIn wired to balance:get has the wrong result type),
// and this line refuses any difference in the set of names.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exact: Equals<keyof typeof kiosk, keyof KioskBridge> = true;
void exact;

contextBridge.exposeInMainWorld('kiosk', Object.freeze(kiosk));
