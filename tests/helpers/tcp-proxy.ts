import net from 'node:net';

/** A TCP proxy in front of a server that a test can cut and restore, to simulate the server going away. */
export interface TcpProxy {
  port: number;
  /**
   * `refuse`: drop every connection and refuse new ones (the server is down).
   * `blackhole`: drop every connection and accept new ones that never get an answer (the network is gone).
   */
  cut(mode: 'refuse' | 'blackhole'): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a random 127.0.0.1 port forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let mode: 'up' | 'blackhole' = 'up';
  let server: net.Server | null = null;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => {});
        if (mode === 'blackhole') return; // read nothing, answer nothing
        const upstream = net.connect(target.port, target.host);
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });

  await listen();
  return {
    get port() {
      return port;
    },
    async cut(next) {
      await stop();
      if (next === 'blackhole') {
        mode = 'blackhole';
        await listen();
      }
    },
    async restore() {
      await stop();
      mode = 'up';
      await listen();
    },
    close: stop,
  };
}
