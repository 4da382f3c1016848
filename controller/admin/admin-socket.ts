import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { CommandResult } from '../core/types.ts';
import { type AdminRequest, MAX_REQUEST_BYTES, parseAdminRequest } from './admin-protocol.ts';

export class AnotherControllerRunning extends Error {}

/** Whether something answers on a Unix socket (a live controller), as opposed to a stale file. */
export function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * The controller's end of the admin socket. It refuses to start where another controller
 * answers, so that two processes never share one store.
 */
export class AdminSocket {
  private server: Server | null = null;
  private readonly clients = new Set<Socket>();

  constructor(
    private readonly path: string,
    private readonly run: (req: AdminRequest) => Promise<CommandResult>,
  ) {}

  async start(): Promise<void> {
    if (existsSync(this.path)) {
      if (await socketAnswers(this.path))
        throw new AnotherControllerRunning(`another controller is running on this store (${this.path} answers)`);
      unlinkSync(this.path);
    }
    const server = createServer((socket) => this.serve(socket));
    // Created 0600 from the start: nobody else gets a window to connect before the chmod.
    const umask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.path, resolve);
      });
    } finally {
      process.umask(umask);
    }
    chmodSync(this.path, 0o600);
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.destroy();
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private serve(socket: Socket): void {
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES) {
        this.answer(socket, { ok: false, error: 'request too large' });
        return;
      }
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      const req = parseAdminRequest(buffered.slice(0, end));
      if (typeof req === 'string') {
        this.answer(socket, { ok: false, error: `bad request: ${req}` });
        return;
      }
      this.run(req).then(
        (r) => this.answer(socket, r),
        (err: Error) => this.answer(socket, { ok: false, error: err.message }),
      );
    });
  }

  private answer(socket: Socket, result: CommandResult): void {
    socket.end(`${JSON.stringify(result)}\n`);
  }
}
