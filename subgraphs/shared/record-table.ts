// The reads every example service's table shares: a page in id order, a batch by ids in the order asked
// (null where missing), one record as JSON, one row or a 404, and delete. SQLite writes each record's
// JSON itself (`recordSql`), so the hot paths join strings and parse nothing.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { ServiceError } from './http-service.ts';
import { parseId } from './params.ts';

export interface RecordTable<Row> {
  /** `[...]` of one page, and the table's total. */
  page(limit: number, offset: number): { json: string; total: number };
  /** `[...]` with one item per id asked, in order; `null` for a missing or malformed id. */
  batch(ids: readonly string[]): string;
  /** One record's JSON, if it exists. */
  json(id: number): string | undefined;
  /** The row for an id from a URL, or a 404 naming the record. */
  rowOf(raw: string): Row;
  /** Deletes the record and returns its JSON as it was. */
  remove(raw: string): string;
}

export function createRecordTable<Row>(db: DatabaseSync, table: string, recordSql: string, noun: string): RecordTable<Row> {
  const q: Record<string, StatementSync> = {
    page: db.prepare(`SELECT ${recordSql} AS json FROM ${table} ORDER BY id LIMIT ? OFFSET ?`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM ${table}`),
    byIds: db.prepare(`SELECT id, ${recordSql} AS json FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`),
    one: db.prepare(`SELECT ${recordSql} AS json FROM ${table} WHERE id = ?`),
    row: db.prepare(`SELECT * FROM ${table} WHERE id = ?`),
    remove: db.prepare(`DELETE FROM ${table} WHERE id = ?`),
  };
  const json = (id: number): string | undefined => (q.one!.get(id) as { json: string } | undefined)?.json;
  const rowOf = (raw: string): Row => {
    const id = parseId(raw);
    const row = id === undefined ? undefined : (q.row!.get(id) as Row | undefined);
    if (!row) throw new ServiceError(404, 'NOT_FOUND', `${noun} ${raw.slice(0, 40)} not found`);
    return row;
  };
  return {
    page: (limit, offset) => ({
      json: `[${(q.page!.all(limit, offset) as { json: string }[]).map((r) => r.json).join(',')}]`,
      total: (q.count!.get() as { n: number }).n,
    }),
    batch: (ids) => {
      const found = new Map<string, string>();
      const numeric = ids.map(parseId).filter((n) => n !== undefined);
      for (const r of q.byIds!.all(JSON.stringify(numeric)) as { id: number; json: string }[]) found.set(String(r.id), r.json);
      return `[${ids.map((id) => found.get(id) ?? 'null').join(',')}]`;
    },
    json,
    rowOf,
    remove: (raw) => {
      const { id } = rowOf(raw) as { id: number };
      const body = json(id) as string;
      q.remove!.run(id);
      return body;
    },
  };
}
