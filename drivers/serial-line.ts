// Serial reads wake on time on Node 22 and later (see serial-wakeup.ts).
import './serial-wakeup.ts';
import { SerialPort } from 'serialport';

/** A byte stream to a bus: a serial port in the field, a script in a unit test. */
export interface ByteLine {
  /** Opens the line; rejects when it cannot be opened. Handlers set before stay across reopens. */
  open(): Promise<void>;
  write(bytes: Buffer): void;
  close(): Promise<void>;
  onData(handler: (bytes: Buffer) => void): void;
  /** The line went away (an adapter unplugged) without close() being called. */
  onClose(handler: () => void): void;
}

export function serialLine(path: string, baudRate: number): ByteLine {
  let port: SerialPort | null = null;
  let data: (bytes: Buffer) => void = () => {};
  let closed: () => void = () => {};
  return {
    open: () =>
      new Promise((resolve, reject) => {
        const p = new SerialPort({ path, baudRate, autoOpen: false });
        p.open((err) => {
          if (err) return reject(err);
          p.on('data', (d: Buffer) => data(d));
          p.on('error', () => {});
          p.on('close', () => {
            if (port !== p) return;
            port = null;
            closed();
          });
          port = p;
          resolve();
        });
      }),
    write: (bytes) => port?.write(bytes),
    close: async () => {
      const p = port;
      port = null;
      if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
    },
    onData: (h) => {
      data = h;
    },
    onClose: (h) => {
      closed = h;
    },
  };
}
