// A loopback port that never completes a connection: a listening socket whose accept queue is full, so
// the kernel drops every new SYN and a client's connect() hangs. Node always accepts on its listeners,
// so a tiny python3 process holds the socket (python3 is on the CI image; .ci/run installs it if not).
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const SCRIPT = `
import socket, time
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(0)
port = s.getsockname()[1]
held = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(('127.0.0.1', port))
    except BlockingIOError:
        pass
    held.append(c)
time.sleep(0.2)
print(port, flush=True)
time.sleep(120)
`;

export async function startUnacceptingListener(): Promise<{ url: string; close(): void }> {
  const child = spawn('python3', ['-c', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return { url: `http://127.0.0.1:${port}`, close: () => child.kill('SIGKILL') };
}
