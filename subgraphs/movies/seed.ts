// The movies service's deterministic seed: SEED.movies films, each directed by one of the seed users.
import type { DatabaseSync } from 'node:sqlite';
import { SEED, seededRandom } from '../shared/seeded-random.ts';

export const GENRES = ['Drama', 'Comedy', 'Thriller', 'Science Fiction', 'Documentary', 'Animation', 'Western', 'Musical'] as const;
const OPENING = ['Quiet', 'Paper', 'Northern', 'Glass', 'Velvet', 'Iron', 'Borrowed', 'Salt', 'Amber', 'Hollow', 'Eleventh', 'Copper'];
const CLOSING = ['Lighthouse', 'Alphabet', 'Meridian', 'Orchard', 'Cipher', 'Tide', 'Archive', 'Parade', 'Bridge', 'Atlas', 'Weather', 'Letters'];

export function seedMovies(db: DatabaseSync): void {
  // A different stream from the users seed, so that the two files do not mirror each other.
  const random = seededRandom(SEED.random ^ 0x5bd1e995);
  const insert = db.prepare('INSERT INTO movies (id, title, year, genre, director_id) VALUES (?, ?, ?, ?, ?)');
  for (let id = 1; id <= SEED.movies; id++) {
    insert.run(id, `${random.pick(OPENING)} ${random.pick(CLOSING)} ${id}`, random.int(1920, 2025), random.pick(GENRES), String(random.int(1, SEED.users)));
  }
}
