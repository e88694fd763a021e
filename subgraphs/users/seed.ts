// The users service's deterministic seed: SEED.users people, each with 3 to 5 favorite movies.
import type { DatabaseSync } from 'node:sqlite';
import { SEED, seededRandom } from '../shared/seeded-random.ts';

const GIVEN = ['Amara', 'Bjorn', 'Chiara', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Keiko',
  'Lars', 'Mirela', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Talia', 'Umar', 'Vera', 'Wen', 'Yusuf'];
const FAMILY = ['Abara', 'Berg', 'Costa', 'Dahl', 'Eriksen', 'Fischer', 'Gallo', 'Haddad', 'Ivanova', 'Jensen',
  'Kowalski', 'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Sato', 'Tanaka', 'Varga'];

export function seedUsers(db: DatabaseSync): void {
  const random = seededRandom(SEED.random);
  const insert = db.prepare('INSERT INTO users (id, name, email, favorite_movie_ids) VALUES (?, ?, ?, ?)');
  for (let id = 1; id <= SEED.users; id++) {
    const given = random.pick(GIVEN);
    const family = random.pick(FAMILY);
    const favorites = new Set<string>();
    const count = random.int(3, 5);
    while (favorites.size < count) favorites.add(String(random.int(1, SEED.movies)));
    insert.run(id, `${given} ${family}`, `${given}.${family}.${id}@example.test`.toLowerCase(), JSON.stringify([...favorites]));
  }
}
