/**
 * Tolerant reads of the parsed TOML for checks that run even when the schema rejected the file,
 * so one run reports every problem: a value of the wrong type is skipped here (the schema has
 * already reported it), never trusted.
 */

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

export function asTable(value: unknown): Table {
  return isTable(value) ? value : {};
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The tables of an array of tables, with their indexes (entries of the wrong type are skipped). */
export function tablesIn(value: unknown): Array<[number, Table]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, index): Array<[number, Table]> => (isTable(entry) ? [[index, entry]] : []));
}
