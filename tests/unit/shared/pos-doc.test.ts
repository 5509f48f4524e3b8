import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../src/shared/errors';
import {
  PosErrorSchema,
  PosRefundRequestSchema,
  PosRefundResultSchema,
  PosSaleRequestSchema,
  PosSaleViewSchema,
  posErrorCodes,
} from '../../../src/shared/pos';

// docs/pos-integration.md is what a POS vendor integrates from: its examples must be bodies the
// kiosk really accepts and answers, and its error table must name every code and no other.

const doc = readFileSync(new URL('../../../docs/pos-integration.md', import.meta.url), 'utf8');

/** The fenced blocks of a language, in order. */
function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** The JSON body of an HTTP request example (after the blank line). */
function requestBody(block: string): unknown {
  return JSON.parse(block.slice(block.search(/\n[{[]/)));
}

/** A response example, with or without a leading status code. */
function responseBody(block: string): unknown {
  return JSON.parse(block.replace(/^\d{3} /, ''));
}

describe('docs/pos-integration.md', () => {
  it('its sale request is a sale the kiosk accepts', () => {
    const [sale] = blocks('http').filter((block) => block.startsWith('POST /v1/sales\n'));
    expect(PosSaleRequestSchema.safeParse(requestBody(sale!)).success).toBe(true);
  });

  it('its refund request is a refund the kiosk accepts', () => {
    const [refund] = blocks('http').filter((block) => /^POST \/v1\/sales\/[^/]+\/refund/.test(block));
    expect(PosRefundRequestSchema.safeParse(requestBody(refund!)).success).toBe(true);
  });

  it('its sale, refund and error answers have the shapes the kiosk answers with', () => {
    const answers = blocks('json').map(responseBody);
    const sales = answers.filter(
      (a) => typeof a === 'object' && a !== null && 'status' in a && !('...' in a),
    );
    const refunds = answers.filter((a) => typeof a === 'object' && a !== null && 'refundableLeft' in a);
    const errors = answers.filter((a) => typeof a === 'object' && a !== null && 'error' in a);
    expect(sales.length).toBeGreaterThan(0);
    expect(refunds.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(2);
    for (const sale of sales) expect(PosSaleViewSchema.safeParse(sale).error).toBeUndefined();
    for (const refund of refunds) expect(PosRefundResultSchema.safeParse(refund).error).toBeUndefined();
    for (const error of errors) expect(PosErrorSchema.safeParse(error).error).toBeUndefined();
  });

  it('its error table names exactly the codes the POS link answers with', () => {
    const tableCodes = [...doc.matchAll(/^\| \d{3} +\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    // The ledger's codes a POS can meet through its routes, and every code of the link itself.
    const posCodes = [
      ...Object.keys(posErrorCodes),
      ...([
        'invalid_input',
        'invalid_amount',
        'unknown_currency',
        'currency_mismatch',
        'refund_exceeds_sale',
      ] as const),
    ];
    for (const code of tableCodes) expect(code! in errorCodes || code! in posErrorCodes, code).toBe(true);
    expect(new Set(tableCodes)).toEqual(new Set(posCodes));
  });
});
