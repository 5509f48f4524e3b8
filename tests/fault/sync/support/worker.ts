import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const WORKER = join(import.meta.dirname, '..', 'till-worker.ts');

export interface TillProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves when the worker has printed a line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  kill(): Promise<void>;
}

/** Starts a till process on `dir` (paired beforehand in the test process, then closed). */
export function startTillProcess(
  dir: string,
  mode: string,
  count = 0,
  env: Record<string, string> = {},
): TillProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dir, mode, String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    lines,
    line(pattern) {
      const found = lines.find((line) => pattern.test(line));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(() =>
          reject(new Error(`till process exited before printing ${pattern}: ${stderr}`)),
        );
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
