// `npm start`: the two example services and the gateway together, as child processes sharing this
// terminal. Ctrl-C (or SIGTERM) stops all three; if one exits on its own, the others are stopped too.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const processes: Array<[string, string[]]> = [
  ['users', [here('./users/main.ts')]],
  ['movies', [here('./movies/main.ts')]],
  ['gateway', [here('../src/main.ts'), ...process.argv.slice(2)]],
];

let stopping = false;
const children: ChildProcess[] = processes.map(([name, args]) => {
  const child = spawn(process.execPath, [...process.execArgv, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping the others`);
      process.exitCode = code || 1;
      stop();
    }
  });
  return child;
});

function stop(): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
