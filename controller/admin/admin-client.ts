import { connect } from 'node:net';
import type { CommandResult } from '../core/types.ts';
import type { AdminRequest } from './admin-protocol.ts';

/** The CLI's end: the running controller's answer, or null when no controller is running. */
export function askController(path: string, req: AdminRequest, timeoutMs = 30_000): Promise<CommandResult | null> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let answer = '';
    let connected = false;
    s.setEncoding('utf8');
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      reject(new Error(`the controller did not answer within ${timeoutMs / 1000} s`));
    });
    s.once('connect', () => {
      connected = true;
      s.write(`${JSON.stringify(req)}\n`);
    });
    s.on('data', (chunk: string) => {
      answer += chunk;
    });
    s.once('end', () => {
      try {
        resolve(JSON.parse(answer) as CommandResult);
      } catch {
        reject(new Error(`the controller answered something unreadable: ${answer.slice(0, 200)}`));
      }
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      // No socket, or a stale one that nobody listens on: no controller is running.
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')) resolve(null);
      else if (err.code === 'EACCES')
        reject(new Error(`${path}: permission denied; run this as root or as the service user`));
      else reject(err);
    });
  });
}
