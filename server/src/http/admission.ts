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
   * Resolves when the request may proceed:
   *   'admitted'  it holds a place until `done` emits 'close' (a Node ServerResponse emits it when
   *               the reply is finished or the connection is lost), so every admitted request
   *               gives its place back exactly once;
   *   'gone'      its connection closed while it waited: nothing to do;
   *   'expired'   it waited longer than `maxWaitMs`: answer it "busy", without reading its body.
   */
  enter(done: Pick<EventEmitter, 'once' | 'off'>): Promise<'admitted' | 'gone' | 'expired'>;
  readonly inProgress: number;
  readonly waiting: number;
}

export interface AdmissionOptions {
  /**
   * The longest a request waits for a place. Past it, its client has most likely given up (a
   * till's request times out after 30 s), and a waiting socket whose body is not read yet cannot
   * tell: Node sees the client leave only once it reads to the end. Admitted anyway, such requests
   * would spend the server's capacity on answers nobody reads, just when it is short (a chain's
   * tills retrying after an outage); answered "busy" instead, a till still waiting comes back
   * after Retry-After.
   */
  maxWaitMs: number;
  /** Hears every change of the two counts (for the metrics). */
  onChange?: (inProgress: number, waiting: number) => void;
}

export function createAdmission(
  limit: number,
  { maxWaitMs, onChange = () => {} }: AdmissionOptions,
): Admission {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`admission limit must be a positive integer: ${limit}`);
  if (!(maxWaitMs > 0)) throw new Error(`admission wait must be positive: ${maxWaitMs}`);
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
        return Promise.resolve('admitted');
      }
      return new Promise((resolve) => {
        // The place passes straight from the request that leaves to this one: inProgress stays.
        const admit = () => {
          clearTimeout(timer);
          done.off('close', abandon);
          done.once('close', leave);
          resolve('admitted');
        };
        const giveUp = (outcome: 'gone' | 'expired') => {
          clearTimeout(timer);
          done.off('close', abandon);
          const index = queue.indexOf(admit);
          if (index >= 0) queue.splice(index, 1);
          changed();
          resolve(outcome);
        };
        const abandon = () => giveUp('gone');
        const timer = setTimeout(() => giveUp('expired'), maxWaitMs);
        timer.unref?.();
        queue.push(admit);
        done.once('close', abandon);
        changed();
      });
    },
  };
}
