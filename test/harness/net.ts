// Local TCP listening for the test harness: one way to put a server on a free 127.0.0.1 port and
// take it down again, and a free port for tools that must be told a port (git daemon, registry).
import { createServer, type Server } from 'node:net';

export interface LocalListener {
  port: number;
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Drops open connections (when the server can), then closes it. */
  stop(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and reports where. */
export async function listenLocal(
  server: Server & { closeAllConnections?: () => void },
): Promise<LocalListener> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = `127.0.0.1:${port}`;
  return {
    port,
    host,
    url: `http://${host}`,
    stop() {
      server.closeAllConnections?.();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago (git daemon cannot report the port it picked for --port=0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
