import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Log } from '../logging';
import { isTrustedAppUrl } from '../security/origin';
import { CHANNELS, shellErrorCodes, type IpcResult } from '../../shared/ipc';
import type { Dispatch } from './dispatch';

/**
 * Binds the contract to Electron's ipcMain: one `handle` per channel, nothing generic. Before any
 * handler runs, the sender must be the main frame of one of our windows, showing app://kiosk.
 * A subframe, a devtools page, a window we did not open or a page that navigated elsewhere is
 * refused with `forbidden` and logged.
 */

export interface TrustedSenders {
  /** webContents ids of the windows main opened for the kiosk. */
  has(webContentsId: number): boolean;
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'> & {
  sender: Pick<IpcMainInvokeEvent['sender'], 'id' | 'mainFrame'>;
};

export function senderProblem(event: SenderEvent, trusted: TrustedSenders): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (!trusted.has(event.sender.id)) return 'the sender is not a kiosk window';
  const main = event.sender.mainFrame;
  if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) {
    return 'the sender is not the main frame';
  }
  if (!isTrustedAppUrl(frame.url)) return 'the sender is not showing app://kiosk';
  return null;
}

export function registerIpcRouter({
  ipcMain,
  dispatch,
  trusted,
  log,
}: {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: Dispatch;
  trusted: TrustedSenders;
  log: Log;
}): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<IpcResult<unknown>> => {
      const problem = senderProblem(event, trusted);
      if (problem) {
        log.warn('ipc_sender_refused', { channel, problem, url: event.senderFrame?.url?.slice(0, 200) });
        return { ok: false, code: 'forbidden', message: shellErrorCodes.forbidden };
      }
      if (args.length > 1) {
        return { ok: false, code: 'invalid_input', message: 'Pass one argument: the input object.' };
      }
      return dispatch(channel, args[0]);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}
