// Runs the users service alone: `node subgraphs/users/main.ts [--port 3001] [--data DIR]`.
import { runService } from '../shared/run-service.ts';
import { createUsersService } from './users-service.ts';

runService({
  name: 'users',
  defaultPort: 3001,
  portEnv: 'USERS_PORT',
  dataEnv: 'USERS_DATA_PATH',
  create: (dataPath, identity) => createUsersService({ dataPath, identity }),
});
