import type { Readable } from 'node:stream';
/**
 * The driver contract: what a driver is given, what it reports and what it
 * can be asked to do. Core and the features know drivers only through this
 * file; a driver knows the controller only through it and the shared types.
 */
import type { Logger } from '../controller/core/logger.ts';
import type { EventInput } from '../controller/core/types.ts';

// ---- What devices report ---------------------------------------------------------------------------------------

export type Direction = 'in' | 'out';

/** What every card reader driver reports. */
export interface CardRead {
  readerId: string;
  /** The canonical card id (the data bits as a decimal number). */
  card: string;
  bits: string;
  format: string;
  /** performance.now() when the read was decoded, for the card-to-gate latency. */
  at: number;
}

/** The inputs of a gate's relay board, already inverted where the wiring is active-low. */
export interface GateInputs {
  passageIn: boolean;
  passageOut: boolean;
  forced: boolean;
  fire: boolean;
  doorOpen: boolean;
}

export const CAMERA_EVENT_KINDS = [
  'motion',
  'line-crossing',
  'intrusion',
  'tamper',
  'digital-input',
  'person',
  'vehicle',
] as const;
export type CameraEventKind = (typeof CAMERA_EVENT_KINDS)[number];

export interface CameraEvent {
  kind: CameraEventKind;
  /** Stateful kinds report on or off; momentary ones (a line crossed) are always true. */
  active: boolean;
  momentary: boolean;
  /** What within the camera raised it: a rule, a video source, an input token. */
  sourceKey: string;
  /** For a digital input, the input's name as the camera gives it (ONVIF InputToken, Hikvision AlarmInToken, Axis port). */
  input?: string;
  snapshot: boolean;
  topic: string;
  utcTime: string | null;
}

/**
 * Messages from drivers to the controller, one typed channel each. Records go
 * through `emit`; these are the inputs a feature acts on.
 */
export interface Inbound {
  card: CardRead;
  gateInputs: { gate: string; inputs: GateInputs };
  cameraEvent: { camera: string; event: CameraEvent };
  cameraConnected: { camera: string; clockDriftMs: number };
  /** A gate's relays do not match what was commanded (a lost off, a dropped hold), or match again. */
  gateRelay: { gate: string; mismatch: boolean; detail?: string };
  /** A camera's live view failed for good (lost) or works again. */
  liveStream: { camera: string; lost: boolean; detail?: string };
  /** A digital-input module's inputs, as read, when they changed (input 0 first). */
  digitalInputs: { module: string; inputs: boolean[] };
}

// ---- What devices can be asked to do -----------------------------------------------------------------------

/** A turnstile or door behind a relay board. */
export interface GateActuator {
  /** Opens one direction for the gate's pulse time; settles when the relay board has taken it, or failed to. */
  pulse(direction: Direction): Promise<void>;
  /** Free passage: both directions held open until released. */
  hold(open: boolean): Promise<void>;
}

/** A reader's LED and buzzer after a decision. */
export interface ReaderFeedback {
  feedback(granted: boolean, keepActiveMs: number): void;
}

/** A reader on a secure channel (OSDP SC): its state and the installer's key-set. */
export interface SecureReader {
  state(): { state: string; secure: boolean; installKey: boolean };
  keyset(): Promise<void>;
}

export interface SnapshotSource {
  snapshot(): Promise<Buffer>;
}

export type PtzAction = 'move' | 'stop' | 'preset';
export interface PtzCamera {
  ptz(action: PtzAction, args: { x?: number; y?: number; zoom?: number; preset?: string }): Promise<void>;
  presets(): Promise<{ token: string; name: string }[]>;
}

/** What a camera said about itself when it connected; null until then. */
export interface CameraIdentity {
  info(): { manufacturer: string; model: string; clockDriftMs: number } | null;
  /** The RTSP stream with the camera's credentials, for the gateway's own ffmpeg; never shown or logged. */
  streamUrl(): string | null;
}

/** A console or a client that receives a live stream. */
export interface Viewer {
  send(data: Buffer | string): void;
  close(): void;
}
export interface LiveSource {
  add(viewer: Viewer): void;
  remove(viewer: Viewer): void;
  readonly watching: number;
}

/** A relay on an output board, such as a PA zone's amplifier. */
export interface RelayOutput {
  set(on: boolean): Promise<void>;
}

/** What to play: the built-in chime, a stored recording, or text spoken by espeak-ng. */
export type AudioSource =
  | { kind: 'chime'; seconds?: number }
  | { kind: 'file'; path: string }
  | { kind: 'tts'; text: string; lang?: 'zh' | 'en' }
  /** Live speech (a platform's voice broadcast): 8 kHz G.711 as it arrives; it ends when the input ends. */
  | { kind: 'live'; codec: 'alaw' | 'mulaw'; input: Readable };

export interface Playback {
  stop(): void;
  done: Promise<{ ok: boolean; detail: string }>;
}

/** The PA's audio output: one broadcast to the zones' stream addresses at once. */
export interface AudioSink {
  play(source: AudioSource, destinations: string[]): Playback;
}

export interface Capabilities {
  gate: GateActuator;
  readerFeedback: ReaderFeedback;
  secureReader: SecureReader;
  snapshot: SnapshotSource;
  ptz: PtzCamera;
  camera: CameraIdentity;
  live: LiveSource;
  relay: RelayOutput;
  audio: AudioSink;
}
export type Capability = keyof Capabilities;

// ---- The driver and its context ------------------------------------------------------------------------------

/**
 * One device's health, decided by the controller's single policy from what
 * the driver saw. The driver reports outcomes; it does not choose states.
 */
export interface DeviceHealth {
  /** A good answer. */
  ok(): void;
  /** An attempt that failed; returns how long to wait before the next one (everyMs, or longer once offline). */
  failed(reason: string, everyMs: number): number;
  /** The device answers, but not as it should (it refuses, or answers everything with NAK). */
  degraded(reason: string): void;
  /** The device is known to be out of reach (its port is gone, it has been silent past its deadline). */
  offline(reason: string, everyMs: number): number;
}

/** What the controller gives every driver. */
export interface DriverContext {
  /** A record for the store and the uplink. */
  emit(event: EventInput): void;
  /** A message to the features, on its typed channel. */
  send<K extends keyof Inbound>(channel: K, message: Inbound[K]): void;
  device(id: string, kind: string): DeviceHealth;
  log: Logger;
  now(): number;
}

export interface Driver {
  readonly kind: string;
  start(ctx: DriverContext): Promise<void>;
  stop(): Promise<void>;
  /** The devices this driver serves, by id, and what each can do. */
  devices(): ReadonlyMap<string, Partial<Capabilities>>;
  /** Counters for the console and the status command. */
  stats?(): Record<string, unknown>;
}
