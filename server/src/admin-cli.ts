import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * `npm run server:admin -- <command> [options]`: the admin API for operators, from a shell.
 * Reads SERVER_URL (default http://127.0.0.1:8080) and ADMIN_TOKEN from the environment and prints
 * the server's JSON answer on stdout (CSV for `report --csv`). Exit code 0 on 2xx, 1 otherwise.
 */

const HELP = `Usage: npm run server:admin -- <command> [options]

Commands:
  create-store --name <name> --country <CC> --currency <CUR> --time-zone <IANA> [--program <file.json>]
  list-stores
  set-program --store <storeId> --file <program.json>
  enrollment-code --store <storeId> [--ttl-hours <1..720>]
  list-devices [--store <storeId>]
  revoke-device <deviceId>
  void-event <deviceId> <seq> --note <why>   (a till's event the server refuses as unreadable)
  flags [--kind overdrawn|rule_mismatch|clock_skew] [--store <storeId>] [--open true|false] [--limit N] [--before ID]
  erase-customer <+E164 phone>
  report --store <storeId> --date <YYYY-MM-DD> [--csv]
  reset-cursors            (after a restore from backup: every till re-snapshots)
  expire                   (run the points expiry job now: customers and points expired)
  health

Environment: SERVER_URL (default http://127.0.0.1:8080), ADMIN_TOKEN (required).`;

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  accept?: string;
  auth?: boolean;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function need(value: string | undefined, name: string): string {
  if (!value) fail(`Missing --${name}.\n\n${HELP}`);
  return value;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`Cannot read JSON from ${file}: ${(error as Error).message}`);
  }
}

function buildCall(argv: string[]): Call {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      country: { type: 'string' },
      currency: { type: 'string' },
      'time-zone': { type: 'string' },
      program: { type: 'string' },
      store: { type: 'string' },
      file: { type: 'string' },
      'ttl-hours': { type: 'string' },
      kind: { type: 'string' },
      open: { type: 'string' },
      limit: { type: 'string' },
      before: { type: 'string' },
      date: { type: 'string' },
      note: { type: 'string' },
      csv: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, arg] = positionals;
  const q = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
    const text = search.toString();
    return text ? `?${text}` : '';
  };
  const seg = (value: string) => encodeURIComponent(value);
  switch (command) {
    case 'create-store':
      return {
        method: 'POST',
        path: '/v1/admin/stores',
        body: {
          name: need(values.name, 'name'),
          country: need(values.country, 'country'),
          currency: need(values.currency, 'currency'),
          timeZone: need(values['time-zone'], 'time-zone'),
          ...(values.program ? { program: readJson(values.program) } : {}),
        },
      };
    case 'list-stores':
      return { method: 'GET', path: '/v1/admin/stores' };
    case 'set-program':
      return {
        method: 'PUT',
        path: `/v1/admin/stores/${seg(need(values.store, 'store'))}/program`,
        body: readJson(need(values.file, 'file')),
      };
    case 'enrollment-code':
      return {
        method: 'POST',
        path: `/v1/admin/stores/${seg(need(values.store, 'store'))}/enrollment-codes`,
        body: values['ttl-hours'] ? { ttlHours: Number(values['ttl-hours']) } : {},
      };
    case 'list-devices':
      return { method: 'GET', path: `/v1/admin/devices${q({ storeId: values.store })}` };
    case 'revoke-device':
      return { method: 'POST', path: `/v1/admin/devices/${seg(need(arg, 'deviceId'))}/revoke` };
    case 'void-event':
      return {
        method: 'POST',
        path: `/v1/admin/devices/${seg(need(arg, 'deviceId'))}/events/${seg(need(positionals[2], 'seq'))}/void`,
        body: { note: need(values.note, 'note') },
      };
    case 'flags':
      return {
        method: 'GET',
        path: `/v1/admin/flags${q({ kind: values.kind, storeId: values.store, open: values.open, limit: values.limit, before: values.before })}`,
      };
    case 'erase-customer':
      return { method: 'POST', path: `/v1/admin/customers/${seg(need(arg, 'phone'))}/erase` };
    case 'report':
      return {
        method: 'GET',
        path: `/v1/reports/daily${q({ storeId: need(values.store, 'store'), date: need(values.date, 'date') })}`,
        ...(values.csv ? { accept: 'text/csv' } : {}),
      };
    case 'reset-cursors':
      return { method: 'POST', path: '/v1/admin/sync/reset-cursors' };
    case 'expire':
      return { method: 'POST', path: '/v1/admin/expiry/run' };
    case 'health':
      return { method: 'GET', path: '/readyz', auth: false };
    default:
      if (values.help || command === 'help' || command === undefined) {
        console.log(HELP);
        process.exit(0);
      }
      fail(`Unknown command "${command}".\n\n${HELP}`);
  }
}

async function main(): Promise<void> {
  const call = buildCall(process.argv.slice(2));
  const base = (process.env.SERVER_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = process.env.ADMIN_TOKEN ?? '';
  if (call.auth !== false && !token) fail('Set ADMIN_TOKEN in the environment.');
  let response: Response;
  try {
    response = await fetch(`${base}${call.path}`, {
      method: call.method,
      headers: {
        ...(call.auth !== false ? { authorization: `Bearer ${token}` } : {}),
        ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        accept: call.accept ?? 'application/json',
      },
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    });
  } catch (error) {
    console.error(
      JSON.stringify({
        error: { code: 'unreachable', message: `Cannot reach ${base}: ${(error as Error).message}` },
      }),
    );
    process.exit(1);
  }
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      console.log(JSON.stringify(JSON.parse(text), null, 2));
    } catch {
      console.log(text);
    }
  } else {
    process.stdout.write(text);
  }
  process.exit(response.ok ? 0 : 1);
}

void main();
