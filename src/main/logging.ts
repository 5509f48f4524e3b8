import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The kiosk's log: one JSON object a line in `<dir>/kiosk.log`, rotated by size
 * (kiosk.log → kiosk.1.log → … → kiosk.<keep>.log, the oldest dropped), so a till that runs for
 * years never fills its disk. Writes are synchronous: the log is low-volume (start-up, denied
 * requests, crashes, updates) and a line written just before a crash must not be lost.
 * Plain Node, so the Electron shell and the browser host share it.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Log {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface FileLogOptions {
  dir: string;
  /** Rotate when the current file reaches this size. Default 5 MB. */
  maxBytes?: number;
  /** Rotated files kept beside the current one. Default 5. */
  keep?: number;
  /** Also print to the console (development, the browser host). */
  echo?: boolean;
  clock?: () => Date;
}

/** Field names whose values never reach the log, whatever the caller passes. */
const SECRET_FIELD = /token|secret|password|authorization|cookie|enrol+ment_?code/i;

/** Replaces secret values, turns errors into plain objects and cuts long strings. */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = '[redacted]';
    else if (value instanceof Error)
      out[key] = { name: value.name, message: value.message, stack: value.stack };
    else if (typeof value === 'string' && value.length > 2000) out[key] = `${value.slice(0, 2000)}…`;
    else out[key] = value;
  }
  return out;
}

export function createFileLog({
  dir,
  maxBytes = 5 * 1024 * 1024,
  keep = 5,
  echo = false,
  clock = () => new Date(),
}: FileLogOptions): Log & { readonly file: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'kiosk.log');
  const rotated = (n: number) => join(dir, `kiosk.${n}.log`);
  let size = existsSync(file) ? statSync(file).size : 0;

  function rotate(): void {
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n -= 1) {
      if (existsSync(rotated(n))) renameSync(rotated(n), rotated(n + 1));
    }
    if (existsSync(file)) renameSync(file, keep >= 1 ? rotated(1) : `${file}.old`);
    if (keep < 1) rmSync(`${file}.old`, { force: true });
    size = 0;
  }

  function write(level: LogLevel, event: string, fields: LogFields = {}): void {
    const line = `${JSON.stringify({ at: clock().toISOString(), level, event, ...redact(fields) })}\n`;
    if (echo) (level === 'error' || level === 'warn' ? console.error : console.log)(line.trimEnd());
    try {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(file, line, { mode: 0o600 });
      size += bytes;
    } catch (error) {
      // A full or read-only disk must not take the kiosk down with it.
      console.error(`kiosk log: cannot write ${file}: ${(error as Error).message}`);
    }
  }

  return {
    file,
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** A log that prints to the console only (scripts, tests). */
export function consoleLog(quiet = false): Log {
  const print =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      if (quiet && (level === 'debug' || level === 'info')) return;
      const text = JSON.stringify({ level, event, ...redact(fields) });
      (level === 'error' || level === 'warn' ? console.error : console.log)(text);
    };
  return { debug: print('debug'), info: print('info'), warn: print('warn'), error: print('error') };
}

/** A log that keeps its lines in memory, for tests. */
export function memoryLog(): Log & { lines: { level: LogLevel; event: string; fields: LogFields }[] } {
  const lines: { level: LogLevel; event: string; fields: LogFields }[] = [];
  const push =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) =>
      void lines.push({ level, event, fields: redact(fields) });
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
