import net from 'node:net';

/** A port the kernel just handed out on 127.0.0.1 (closed again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until something listens (true) or, with `closed`, until nothing does. Bounded. */
export async function waitForPort(port: number, options: { closed?: boolean; timeoutMs?: number; what: string }): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const want = options.closed !== true;
  while (Date.now() < deadline) {
    if ((await tryConnect(port)) === want) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${options.what}: port ${port} still ${want ? 'closed' : 'open'} after ${options.timeoutMs ?? 10_000} ms`);
}
