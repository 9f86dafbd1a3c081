/**
 * The throughput ceiling: a plain graphql-yoga hello-world server on the same machine and Node, measured by
 * the runner in the same run as the service. Started in a child process with an IPC channel.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import type { FromChild } from './ipc.ts';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
  logging: false,
  graphiql: false,
  landingPage: false,
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}`, pid: process.pid } satisfies FromChild);
});
process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
