import { Agent } from 'node:http';
import type { Socket } from 'node:net';

export class AnswerTooLargeError extends Error {}

/**
 * An HTTP agent for the `onvif` package, which reads any SOAP answer whole into memory: its
 * sockets give up on an answer past `limit` bytes (one camera's 64 MB reply took a controller
 * to 2.5 GB). A request written on a socket starts its count again, so a kept-alive socket
 * carries any number of answers under the limit.
 */
export function cappedAgent(limit: number): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const create = agent.createConnection.bind(agent) as (...a: unknown[]) => Socket;
  agent.createConnection = ((...args: unknown[]) => {
    const socket = create(...args);
    let received = 0;
    const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
    socket.write = ((...a: unknown[]) => {
      received = 0;
      return write(...a);
    }) as typeof socket.write;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) socket.destroy(new AnswerTooLargeError(`camera answer over the ${limit}-byte limit`));
    });
    return socket;
  }) as typeof agent.createConnection;
  return agent;
}
