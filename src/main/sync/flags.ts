import type { SyncFlag } from '../../shared/sync';

/** The store's open flags for the manager (the contract's ServerFlagsSchema). */
export interface ServerFlagsView {
  source: 'server' | 'unavailable';
  flags: { id: string; kind: string; maskedPhone: string | null; detail: string; raisedAt: string }[];
  message: string | null;
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** What a flag the server raised means, in one sentence for the manager. */
export function describeFlag(flag: SyncFlag, thisDevice: string): string {
  const from =
    flag.deviceId === null ? '' : flag.deviceId === thisDevice ? ' (this till)' : ' (another till)';
  switch (flag.kind) {
    case 'overdrawn': {
      const balance = num(flag.detail['balance']);
      return `Account overdrawn by offline redemptions${balance === null ? '' : `: balance ${balance} points`}; later earnings repay it${from}.`;
    }
    case 'clock_skew': {
      const skew = num(flag.detail['skewMs']);
      const seconds = skew === null ? null : Math.round(Math.abs(skew) / 1000);
      return `A till's clock is wrong${seconds === null ? '' : ` by about ${seconds} s (${(skew ?? 0) > 0 ? 'ahead' : 'behind'})`}${from}. Set its date and time.`;
    }
    case 'rule_mismatch': {
      const type =
        typeof flag.detail['type'] === 'string' ? ` for a ${String(flag.detail['type'])} event` : '';
      return `The server computed different points than the till${type}${from}; check the till runs the current program.`;
    }
  }
}
