import type { EventEmitter } from 'node:events';

/**
 * Admission for one kind of request: at most `limit` in progress in this process, the rest wait in
 * arrival order *before their bodies are read*.
 *
 * Why: a push holds its body and its parsed, checked and hashed events (about 0.8 MB for 500) from
 * parsing until its transaction commits, and beyond the database pool it would only wait for a
 * connection. When a whole chain's tills push at once (back from an outage, the morning after a
 * network fault) an unbounded server parses every one of them and its memory grows with the size
 * of the burst.
 * Waiting before the body is read keeps the bytes in the socket (the kernel's buffers and the
 * client's backpressure), so memory stays bounded whatever the burst, and the order stays fair.
 */
export interface Admission {
  /**
   * Resolves when the request may proceed: true once admitted, false when its connection closed
   * while it waited (nothing to do then). An admitted request holds its place until `done` emits
   * 'close' (a Node ServerResponse emits it when the reply is finished or the connection is lost),
   * so every admitted request gives its place back exactly once.
   */
  enter(done: Pick<EventEmitter, 'once' | 'off'>): Promise<boolean>;
  readonly inProgress: number;
  readonly waiting: number;
}

/** `onChange` hears every change of the two counts (for the metrics). */
export function createAdmission(
  limit: number,
  onChange: (inProgress: number, waiting: number) => void = () => {},
): Admission {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`admission limit must be a positive integer: ${limit}`);
  let inProgress = 0;
  const queue: Array<() => void> = [];
  const changed = () => onChange(inProgress, queue.length);

  const leave = () => {
    const next = queue.shift();
    if (next) next();
    else inProgress--;
    changed();
  };

  return {
    get inProgress() {
      return inProgress;
    },
    get waiting() {
      return queue.length;
    },
    enter(done) {
      if (inProgress < limit) {
        inProgress++;
        done.once('close', leave);
        changed();
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        // The place passes straight from the request that leaves to this one: inProgress stays.
        const admit = () => {
          done.off('close', abandon);
          done.once('close', leave);
          resolve(true);
        };
        const abandon = () => {
          const index = queue.indexOf(admit);
          if (index >= 0) queue.splice(index, 1);
          changed();
          resolve(false);
        };
        queue.push(admit);
        done.once('close', abandon);
        changed();
      });
    },
  };
}
