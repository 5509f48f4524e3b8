/**
 * A PostgreSQL array literal of values that never need quoting, by where they come from: uuids
 * read from the database, SHA-256 hex digests, integers (null is NULL). Not for text from a
 * request: that would need the driver's quoting. Anything else throws, so a value that could
 * split or end the literal (a comma, a brace, a quote) can never get in.
 */
const UNQUOTED = /^[0-9A-Fa-f-]+$/;

export function arrayLiteral(values: readonly (string | number | null)[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) text += ',';
    if (value === null || value === undefined) text += 'NULL';
    else if (typeof value === 'string' && UNQUOTED.test(value)) text += value;
    else if (Number.isSafeInteger(value)) text += value;
    else throw new Error(`not a uuid, hex digest or integer: ${String(value).slice(0, 40)}`);
  }
  return `${text}}`;
}
