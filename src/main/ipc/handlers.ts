import type { Kiosk } from '../kiosk';
import type { StaffService } from '../staff';
import {
  ShellError,
  type ChannelName,
  type HandlerOutput,
  type ParsedInput,
  type StaffSession,
} from '../../shared/ipc';

/**
 * One handler per contract channel: each takes the parsed input and calls the till's services.
 * No validation here (the dispatcher parsed the input and will parse the output against the
 * contract) and no Electron: the browser host runs the very same handlers.
 */
/** What the dispatcher hands every handler beside its input: who is signed in (after the access check). */
export interface HandlerContext {
  session: StaffSession | null;
}

export type Handlers = {
  [C in ChannelName]: (
    input: ParsedInput<C>,
    context: HandlerContext,
  ) => HandlerOutput<C> | Promise<HandlerOutput<C>>;
};

/** What the dispatcher checks access with: the kiosk's staff service, or a test's stand-in. */
export type StaffGate = Pick<StaffService, 'authorise'>;

/** The staff service of the kiosk each handler table was made for (see staffGateOf). */
const gates = new WeakMap<Handlers, StaffGate>();

/**
 * The staff gate of a handler table made by createHandlers: its kiosk's staff service, so a caller
 * that builds `createDispatcher({ handlers: createHandlers(kiosk) })` gets the kiosk's own access
 * checks without wiring them. Undefined for any other table.
 */
export function staffGateOf(handlers: Handlers): StaffGate | undefined {
  return gates.get(handlers);
}

export function createHandlers(kiosk: Kiosk): Handlers {
  const { ledger, staff } = kiosk;
  const handlers: Handlers = {
    'kiosk:status': () => kiosk.status(),
    'customer:enroll': ({ phone, consent, firstName }) => ledger.enroll(phone, consent, firstName ?? null),
    'consent:change': ({ phone, sms }) => ledger.changeConsent(phone, sms),
    'checkin:create': ({ phone, sale }) => ledger.checkIn(phone, sale ?? null),
    'reward:redeem': ({ phone, rewardId, receiptId }) => ledger.redeem(phone, rewardId, receiptId ?? null),
    'sale:refund': ({ receiptId, amount, lines }) =>
      ledger.refund(receiptId, lines ? { lines } : (amount ?? null)),
    'points:adjust': ({ phone, points, reason }, { session }) => {
      // The dispatcher let only a signed-in manager through; the adjustment records who.
      if (session?.role !== 'manager') throw new ShellError('manager_required');
      return ledger.adjust(phone, points, reason, session.staffId);
    },
    'balance:get': ({ phone }) => ledger.balance(phone),
    'history:list': ({ phone, limit, beforeSeq }) => {
      const pageSize = limit ?? 50;
      const events = ledger.history(phone, { limit: pageSize, ...(beforeSeq ? { beforeSeq } : {}) });
      const last = events[events.length - 1];
      return { events, nextBeforeSeq: events.length === pageSize && last ? last.seq : null };
    },
    'day:totals': (input) => ledger.dayTotals(input?.businessDay ?? kiosk.today()),
    'day:close': (input) => kiosk.closeDay(input?.businessDay ?? kiosk.today()),
    'day:report': (input) => kiosk.dayReport(input?.businessDay ?? kiosk.today()),
    'day:exportCsv': (input) => kiosk.exportDayCsv(input?.businessDay ?? kiosk.today()),
    'checkins:today': () => kiosk.todaysCheckIns(),
    'sync:now': () => kiosk.syncNow(),
    'flags:list': () => kiosk.serverFlags(),
    'customer:lookup': ({ phone }) => kiosk.lookupCustomer(phone),
    'store:update': (store) => kiosk.updateStore(store),
    'settings:update': (settings) => kiosk.updateDisplay(settings),
    'sale:pending': () => kiosk.pendingSale(),
    'pos:token': () => kiosk.posToken(),
    'kiosk:pair': (request) => kiosk.pair(request),
    'staff:state': () => staff.state(),
    'staff:setupManager': ({ name, pin }) => staff.setupManager(name, pin),
    'staff:signIn': ({ pin }) => staff.signIn(pin),
    'staff:signOut': () => staff.signOut(),
    'staff:list': () => staff.list(),
    'staff:save': (member) => staff.save(member),
    'staff:remove': ({ staffId }) => staff.remove(staffId),
  };
  gates.set(handlers, staff);
  return handlers;
}
