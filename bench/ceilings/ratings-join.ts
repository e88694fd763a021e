// The hand-coded ceiling of the GraphQL-services bench query, no GraphQL engine: a page of movies from
// the movies service, then at once their ratings from the ratings service (one GraphQL GET) and their
// directors from the users service (one batch GET), and the answer built by hand. Three calls, as the
// gateway makes them; what one process can do with them.
//   node bench/ceilings/ratings-join.ts PORT MOVIES_URL USERS_URL RATINGS_URL
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const [port, moviesUrl, usersUrl, ratingsUrl] = process.argv.slice(2) as [string, string, string, string];
const agent = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
const getJson = async (url: string): Promise<any> => (await request(url, { dispatcher: agent, headers: { accept: 'application/json' } })).body.json();
const RATINGS = 'query($ids:[ID!]!){moviesByIds(ids:$ids){id rating}}';

createServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    try {
      const movies = (await getJson(`${moviesUrl}/movies?limit=20`)) as Array<{ id: string; title: string; directorId: string }>;
      const ids = movies.map((m) => m.id);
      const directorIds = [...new Set(movies.map((m) => m.directorId))];
      const [ratings, users] = await Promise.all([
        getJson(`${ratingsUrl}/graphql?query=${encodeURIComponent(RATINGS)}&variables=${encodeURIComponent(JSON.stringify({ ids }))}`),
        getJson(`${usersUrl}/users?ids=${directorIds.join(',')}`),
      ]);
      const rating = new Map((ratings.data.moviesByIds as Array<{ id: string; rating: number | null } | null>).map((r, i) => [ids[i], r?.rating ?? null]));
      const name = new Map((users as Array<{ id: string; name: string } | null>).filter(Boolean).map((u) => [u!.id, u!.name]));
      const body = JSON.stringify({ data: { movies: movies.map((m) => ({ id: m.id, title: m.title, rating: rating.get(m.id) ?? null, director: { name: name.get(m.directorId) ?? null } })) } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    } catch (err) {
      res.writeHead(502).end(JSON.stringify({ errors: [{ message: (err as Error).message }] }));
    }
  });
}).listen(Number(port), '127.0.0.1');
