import type { Kiosk } from '../kiosk';
import type { ChannelName, HandlerOutput, ParsedInput } from '../../shared/ipc';

/**
 * One handler per contract channel: each takes the parsed input and calls the till's services.
 * No validation here (the dispatcher parsed the input and will parse the output against the
 * contract) and no Electron: the browser host runs the very same handlers.
 */
export type Handlers = {
  [C in ChannelName]: (input: ParsedInput<C>) => HandlerOutput<C> | Promise<HandlerOutput<C>>;
};

export function createHandlers(kiosk: Kiosk): Handlers {
  const { ledger } = kiosk;
  return {
    'kiosk:status': () => kiosk.status(),
    'customer:enroll': ({ phone, consent, firstName }) => ledger.enroll(phone, consent, firstName ?? null),
    'consent:change': ({ phone, sms }) => ledger.changeConsent(phone, sms),
    'checkin:create': ({ phone, sale }) => ledger.checkIn(phone, sale ?? null),
    'reward:redeem': ({ phone, rewardId, receiptId }) => ledger.redeem(phone, rewardId, receiptId ?? null),
    'sale:refund': ({ receiptId, amount, lines }) =>
      ledger.refund(receiptId, lines ? { lines } : (amount ?? null)),
    'points:adjust': ({ phone, points, reason, staffId }) => ledger.adjust(phone, points, reason, staffId),
    'balance:get': ({ phone }) => ledger.balance(phone),
    'history:list': ({ phone, limit, beforeSeq }) => {
      const pageSize = limit ?? 50;
      const events = ledger.history(phone, { limit: pageSize, ...(beforeSeq ? { beforeSeq } : {}) });
      const last = events[events.length - 1];
      return { events, nextBeforeSeq: events.length === pageSize && last ? last.seq : null };
    },
    'day:totals': (input) => ledger.dayTotals(input?.businessDay ?? kiosk.today()),
    'day:close': (input) => kiosk.closeDay(input?.businessDay ?? kiosk.today()),
    'sync:now': () => kiosk.syncNow(),
    'customer:lookup': ({ phone }) => kiosk.lookupCustomer(phone),
    'store:update': (store) => kiosk.updateStore(store),
    'sale:pending': () => kiosk.pendingSale(),
    'kiosk:pair': (request) => kiosk.pair(request),
  };
}
