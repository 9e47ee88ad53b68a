// A TCP proxy on 127.0.0.1 that adds a network's round trip in front of a local server: the connect
// waits one round trip, and every chunk waits half of one in each direction. Counts connections,
// and the most open at once, so a test can see how many requests a client runs in parallel.
import { connect, createServer, type Socket } from 'node:net';

export interface LatencyProxy {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** The most connections open at the same time so far. */
  peak(): number;
  stop(): Promise<void>;
}

export async function startLatencyProxy(options: {
  targetPort: number;
  rttMs: number;
}): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  let open = 0;
  let peak = 0;
  let accepted = 0;
  const half = options.rttMs / 2;
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.write(chunk), half));
    from.on('end', () => setTimeout(() => to.end(), half));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    accepted++;
    open++;
    peak = Math.max(peak, open);
    sockets.add(client);
    // The client is done when it sends its FIN (git exits), not when the delayed rest has drained.
    let done = false;
    const finish = () => {
      if (!done) open--;
      done = true;
    };
    client.once('end', finish);
    client.once('close', () => {
      finish();
      sockets.delete(client);
    });
    client.pause();
    setTimeout(() => {
      const upstream = connect(options.targetPort, '127.0.0.1', () => {
        forward(client, upstream);
        forward(upstream, client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
    }, options.rttMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => accepted,
    peak: () => peak,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
