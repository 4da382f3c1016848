import WebSocket from 'ws';

/** A headless class board: the kiosk's WebSocket side, for tests and rigs. */
export class BoardClientSim {
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever state the controller pushed to the board
  state: Record<string, any> | null = null;
  states = 0;
  closedWith: number | null = null;
  private ws: WebSocket | null = null;
  private taps: ((r: { ok: boolean; name?: string; reason?: string }) => void)[] = [];

  constructor(
    private readonly base: string,
    private readonly boardId: string,
    private readonly key: string,
  ) {}

  connect(): Promise<this> {
    this.state = null;
    this.closedWith = null;
    const ws = new WebSocket(
      `${this.base.replace(/^http/, 'ws')}/board-live/${this.boardId}?key=${encodeURIComponent(this.key)}`,
    );
    this.ws = ws;
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString());
      if (msg.kind === 'state') {
        this.state = msg.state;
        this.states++;
      }
      if (msg.kind === 'tap-result') this.taps.shift()?.(msg);
    });
    return new Promise((resolve) => {
      ws.on('close', (code) => {
        this.closedWith = code;
        resolve(this);
      });
      ws.on('message', () => resolve(this));
    });
  }

  tap(card: string): Promise<{ ok: boolean; name?: string; reason?: string }> {
    return new Promise((resolve) => {
      this.taps.push(resolve);
      this.ws!.send(JSON.stringify({ kind: 'tap', card }));
    });
  }

  /** Sends raw bytes, as a broken or hostile kiosk might. */
  sendRaw(data: string | Buffer): void {
    this.ws!.send(data);
  }

  close(): Promise<void> {
    const ws = this.ws;
    this.ws = null;
    return new Promise((r) => {
      if (!ws || ws.readyState === WebSocket.CLOSED) r();
      else {
        ws.once('close', () => r());
        ws.close();
      }
    });
  }
}
