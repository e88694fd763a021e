// Opens a service's SQLite store: in memory and freshly seeded by default, or a file under a data path
// that is seeded once and then kept across restarts.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface OpenStoreOptions {
  /** Directory for `<name>.sqlite`; omitted: an in-memory store that restarts from the seed. */
  dataPath?: string | undefined;
  name: string;
  /** CREATE TABLE / CREATE INDEX statements. */
  schemaSql: string;
  /** Fills an empty store; runs inside one transaction. */
  seed: (db: DatabaseSync) => void;
}

export function openStore(options: OpenStoreOptions): DatabaseSync {
  let file = ':memory:';
  let fresh = true;
  if (options.dataPath) {
    mkdirSync(options.dataPath, { recursive: true });
    file = join(options.dataPath, `${options.name}.sqlite`);
    fresh = !existsSync(file);
  }
  const db = new DatabaseSync(file);
  if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(options.schemaSql);
  if (fresh) {
    db.exec('BEGIN');
    try {
      options.seed(db);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
  return db;
}
