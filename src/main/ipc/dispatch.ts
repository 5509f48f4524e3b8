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
import type { Handlers } from './handlers';

/**
 * Runs one contract call, whatever carried it (Electron IPC or the browser host's HTTP): finds the
 * channel, parses the input, runs the handler as one open activity, parses the output, and turns
 * every outcome into `{ ok: true, value }` or `{ ok: false, code, message }`. Unexpected errors
 * are logged with their stack and answered `internal`, never with their text: it may hold paths
 * or personal data.
 */
export type Dispatch = (channel: string, input: unknown) => Promise<IpcResult<unknown>>;

export function createDispatcher({
  handlers,
  log,
  activity,
}: {
  handlers: Handlers;
  log: Log;
  activity?: ActivityTracker;
}): Dispatch {
  return async function dispatch(channel, rawInput) {
    if (!isChannelName(channel)) {
      log.warn('ipc_unknown_channel', { channel: String(channel).slice(0, 100) });
      return { ok: false, code: 'unknown_channel', message: shellErrorCodes.unknown_channel };
    }
    const contract = ipcContract[channel];
    const input = contract.input.safeParse(rawInput);
    if (!input.success) return inputFailure(input.error);

    const handler = handlers[channel] as (input: unknown) => unknown;
    let value: unknown;
    try {
      const run = async () => handler(input.data);
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
