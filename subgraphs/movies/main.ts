// Runs the movies service alone: `node subgraphs/movies/main.ts [--port 3002] [--data DIR]`.
import { runService } from '../shared/run-service.ts';
import { createMoviesService } from './movies-service.ts';

runService({
  name: 'movies',
  defaultPort: 3002,
  portEnv: 'MOVIES_PORT',
  dataEnv: 'MOVIES_DATA_PATH',
  create: (dataPath, identity) => createMoviesService({ dataPath, identity }),
});
