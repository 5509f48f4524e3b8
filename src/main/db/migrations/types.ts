/** A schema version: plain SQL, applied once, never edited after release (append a new one). */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}
