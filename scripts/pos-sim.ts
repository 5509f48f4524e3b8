/**
 * Plays the till's POS against a running kiosk's POS link (src/main/pos), for demos, support
 * staff and tests. Prints the kiosk's JSON answer; exits 0 on a 2xx, 1 on a refusal, 2 on bad use.
 *
 *   npm run pos-sim -- sale 12.50 [--receipt R-1] [--currency USD]
 *   npm run pos-sim -- status R-1
 *   npm run pos-sim -- refund R-1 [5.00] [--currency USD]     (no amount: the rest of the sale)
 *   npm run pos-sim -- cancel R-1
 *
 * KIOSK_POS_URL (http://127.0.0.1:$KIOSK_POS_PORT, 7311 by default); the token from
 * KIOSK_POS_TOKEN, or the pos-token file in KIOSK_DATA_DIR (./data/kiosk-web by default).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isKnownCurrency, minorUnitsPerMajor } from '../src/shared/money';

class UsageError extends Error {}

/** "12.50" → 1250 in the currency's minor units, with no floating point on the way. */
function toMinorUnits(text: string, currency: string): number {
  const perMajor = minorUnitsPerMajor(currency);
  const digits = Math.round(Math.log10(perMajor));
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text);
  if (!match) throw new UsageError(`"${text}" is not an amount such as 12.50.`);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    throw new UsageError(`${currency} has ${digits} decimal places; "${text}" has ${fraction.length}.`);
  }
  return Number(match[1]) * perMajor + Number(fraction.padEnd(digits, '0') || '0');
}

function options(args: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value.`);
      flags.set(arg.slice(2), value);
      i++;
    } else positional.push(arg);
  }
  return { positional, flags };
}

function token(): string {
  const fromEnv = process.env['KIOSK_POS_TOKEN'];
  if (fromEnv) return fromEnv;
  const dataDir = resolve(process.env['KIOSK_DATA_DIR'] ?? join(process.cwd(), 'data', 'kiosk-web'));
  const file = join(dataDir, 'pos-token');
  if (!existsSync(file)) {
    throw new UsageError(`No KIOSK_POS_TOKEN and no token file at ${file}: set one or KIOSK_DATA_DIR.`);
  }
  return readFileSync(file, 'utf8').trim();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { positional, flags } = options(rest);
  const currency = (flags.get('currency') ?? process.env['KIOSK_STORE_CURRENCY'] ?? 'USD').toUpperCase();
  if (!isKnownCurrency(currency)) throw new UsageError(`"${currency}" is not an ISO 4217 currency.`);
  const base = (
    process.env['KIOSK_POS_URL'] ?? `http://127.0.0.1:${process.env['KIOSK_POS_PORT'] || '7311'}`
  ).replace(/\/+$/, '');
  const receiptPath = (id: string | undefined) => {
    if (!id) throw new UsageError(`${command} needs a receipt id.`);
    return `/v1/sales/${encodeURIComponent(id)}`;
  };

  let method = 'GET';
  let path: string;
  let body: unknown;
  switch (command) {
    case 'sale': {
      const amount = positional[0];
      if (!amount) throw new UsageError('sale needs an amount, such as 12.50.');
      const receiptId = flags.get('receipt') ?? `SIM-${Date.now()}`;
      method = 'POST';
      path = '/v1/sales';
      body = { receiptId, total: { amount: toMinorUnits(amount, currency), currency } };
      break;
    }
    case 'status':
      path = receiptPath(positional[0]);
      break;
    case 'refund': {
      method = 'POST';
      path = `${receiptPath(positional[0])}/refund`;
      const amount = positional[1];
      body = amount ? { amount: { amount: toMinorUnits(amount, currency), currency } } : {};
      break;
    }
    case 'cancel':
      method = 'DELETE';
      path = receiptPath(positional[0]);
      break;
    default:
      throw new UsageError(
        'Usage: pos-sim sale 12.50 [--receipt R-1] | status R-1 | refund R-1 [amount] | cancel R-1',
      );
  }

  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    console.log(
      JSON.stringify(
        { error: { code: 'unreachable', message: `${base}: ${(error as Error).message}` } },
        null,
        2,
      ),
    );
    return 1;
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: print it as it is
  }
  console.log(JSON.stringify({ status: response.status, body: parsed }, null, 2));
  return response.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  },
);
