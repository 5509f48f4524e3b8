/**
 * Knows whether someone is in the middle of something at the kiosk: an operation running, a sale
 * or check-in held open (by the POS link or a screen), or any request in the last quiet period.
 * The updater asks it before restarting the kiosk; nothing else depends on it.
 */
export interface ActivityTracker {
  /** Marks something open (a sale, a check-in) until the returned function is called. */
  hold(kind: string): () => void;
  /** Records a request: the kiosk counts as busy for the quiet period after it. */
  touch(): void;
  /** Runs work as one open operation. */
  during<T>(kind: string, work: () => Promise<T>): Promise<T>;
  busy(): { busy: boolean; reason: string | null };
}

export interface ActivityOptions {
  clock?: () => number;
  /** How long after the last request the kiosk still counts as in use. Default 3 minutes. */
  quietMs?: number;
}

export function createActivityTracker({
  clock = Date.now,
  quietMs = 3 * 60_000,
}: ActivityOptions = {}): ActivityTracker {
  const open = new Map<number, string>();
  let nextId = 1;
  let lastTouch = Number.NEGATIVE_INFINITY;

  function hold(kind: string): () => void {
    const id = nextId++;
    open.set(id, kind);
    lastTouch = clock();
    return () => {
      if (open.delete(id)) lastTouch = clock();
    };
  }

  return {
    hold,
    touch: () => {
      lastTouch = clock();
    },
    async during(kind, work) {
      const release = hold(kind);
      try {
        return await work();
      } finally {
        release();
      }
    },
    busy() {
      const [first] = open.values();
      if (first !== undefined) return { busy: true, reason: `${first} in progress` };
      const idleFor = clock() - lastTouch;
      if (idleFor < quietMs) return { busy: true, reason: `kiosk used ${Math.round(idleFor / 1000)} s ago` };
      return { busy: false, reason: null };
    },
  };
}
