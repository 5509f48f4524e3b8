import type { Log } from '../logging';
import type { ActivityTracker } from '../shell/activity';
import { isKioskError } from '../../shared/errors';
import {
  ShellError,
  inputFailure,
  ipcContract,
  isChannelName,
  shellErrorCodes,
  type IpcResult,
} from '../../shared/ipc';
import { staffGateOf, type HandlerContext, type Handlers, type StaffGate } from './handlers';

/**
 * Runs one contract call, whatever carried it (Electron IPC or the browser host's HTTP): finds the
 * channel, checks the channel's access against the staff session (a 'staff' channel needs someone
 * signed in, a 'manager' channel a manager: refused with staff_required or manager_required and
 * nothing run; an authorised call keeps the session alive), parses the input, runs the handler as
 * one open activity with the session as its context, parses the output, and turns
 * every outcome into `{ ok: true, value }` or `{ ok: false, code, message }`. Unexpected errors
 * are logged with their stack and answered `internal`, never with their text: it may hold paths
 * or personal data.
 */
export type Dispatch = (channel: string, input: unknown) => Promise<IpcResult<unknown>>;

/** The gate of a dispatcher given no staff service: public channels only. */
const NOBODY_SIGNED_IN: StaffGate = {
  authorise(access) {
    if (access === 'public') return null;
    throw new ShellError(access === 'manager' ? 'manager_required' : 'staff_required');
  },
};

export function createDispatcher({
  handlers,
  log,
  activity,
  staff,
}: {
  handlers: Handlers;
  log: Log;
  activity?: ActivityTracker;
  /**
   * Who is signed in at the staff screens: every call is checked against it. By default the
   * kiosk's staff service behind handlers from createHandlers; with neither, nobody is ever signed
   * in (only public channels answer), never the other way round.
   */
  staff?: StaffGate;
}): Dispatch {
  const gate: StaffGate = staff ?? staffGateOf(handlers) ?? NOBODY_SIGNED_IN;
  return async function dispatch(channel, rawInput) {
    if (!isChannelName(channel)) {
      log.warn('ipc_unknown_channel', { channel: String(channel).slice(0, 100) });
      return { ok: false, code: 'unknown_channel', message: shellErrorCodes.unknown_channel };
    }
    const contract = ipcContract[channel];
    let session: HandlerContext['session'];
    try {
      session = gate.authorise(contract.access);
    } catch (error) {
      if (error instanceof ShellError) {
        log.info('ipc_access_refused', { channel, access: contract.access, code: error.code });
        return { ok: false, code: error.code, message: error.message };
      }
      log.error('ipc_access_check_failed', { channel, error });
      return { ok: false, code: 'internal', message: shellErrorCodes.internal };
    }
    const input = contract.input.safeParse(rawInput);
    if (!input.success) return inputFailure(input.error);

    const handler = handlers[channel] as (input: unknown, context: HandlerContext) => unknown;
    let value: unknown;
    try {
      const run = async () => handler(input.data, { session });
      value = activity ? await activity.during(channel, run) : await run();
    } catch (error) {
      if (isKioskError(error) || error instanceof ShellError) {
        return {
          ok: false,
          code: error.code,
          message: error.message,
          ...(error.field ? { field: error.field } : {}),
        };
      }
      log.error('ipc_handler_failed', { channel, error });
      return { ok: false, code: 'internal', message: shellErrorCodes.internal };
    }
    const output = contract.output.safeParse(value);
    if (!output.success) {
      log.error('ipc_output_contract_violation', { channel, issues: output.error.issues.slice(0, 5) });
      return { ok: false, code: 'internal', message: shellErrorCodes.internal };
    }
    return { ok: true, value: output.data };
  };
}
