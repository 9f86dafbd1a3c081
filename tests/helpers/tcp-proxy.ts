import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy to `target` on a random 127.0.0.1 port whose reachability a test controls:
 * `cut()` drops every connection and refuses new ones, `blackhole()` accepts but never answers,
 * `restore()` forwards again on the same port.
 */
export class TcpProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #pairs = new Map<Socket, Socket>();
  #mode: 'forward' | 'blackhole' = 'forward';
  port = 0;

  constructor(readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    await this.#listen(0);
    return this;
  }

  /** Closes every open connection and stops listening (connections are refused). */
  async cut(): Promise<void> {
    this.#dropAll();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps every connection open and accepts new ones (listening again after a cut), but forwards nothing. */
  async blackhole(): Promise<void> {
    this.#mode = 'blackhole';
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    if (!this.#server) await this.#listen(this.port);
  }

  /** Forwards again (on the same port); connections held during a blackhole are dropped. */
  async restore(): Promise<void> {
    if (this.#mode === 'blackhole') this.#dropAll();
    this.#mode = 'forward';
    if (!this.#server) await this.#listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }

  #dropAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    this.#pairs.clear();
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((client) => {
      this.#track(client);
      if (this.#mode === 'blackhole') return;
      const upstream = connect(this.target.port, this.target.host);
      this.#track(upstream);
      this.#pairs.set(client, upstream);
      client.on('close', () => this.#pairs.delete(client));
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.on('close', () => this.#sockets.delete(s));
    s.on('error', () => {});
  }
}
