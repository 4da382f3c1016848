import type { SiteConfig } from '../../config/types.ts';
import type { DeviceDirectory } from '../../core/device-directory.ts';
import { CodedError, type MessageKey, type MessageParams, text } from '../../core/message-catalog.ts';
import type { ReadingsIndex } from '../../store/readings.ts';
import type { AccessService } from '../access/access-service.ts';
import type { BoardService } from '../boards/board-service.ts';
import type { PaService } from '../pa/pa-service.ts';
import type { DeviceKind } from './commission-log.ts';

/** A device the site file names, as the installer's page lists it. */
export interface SiteDevice {
  id: string;
  name: string;
  kind: DeviceKind;
  /** What the test does, as a word the console translates. */
  action: 'pulse' | 'beep' | 'snapshot' | 'ring' | 'read' | 'ping';
  where: string | null;
}

export interface TestOutcome {
  ok: boolean;
  detail: string;
  code: MessageKey;
  params: MessageParams;
}

const said = (ok: boolean, code: MessageKey, params: MessageParams = {}): TestOutcome => ({
  ok,
  detail: text(code, 'en', params),
  code,
  params,
});

/** Every device of the site, in the order an installer walks a school: gates and readers, cameras, PA, sensors, boards. */
export function siteDevices(c: SiteConfig): SiteDevice[] {
  return [
    ...c.access.gates.map((g) => ({
      id: g.id,
      name: g.name ?? g.id,
      kind: 'gate' as const,
      action: 'pulse' as const,
      where: null,
    })),
    ...c.access.readers.map((r) => ({
      id: r.id,
      name: r.id,
      kind: 'reader' as const,
      action: 'beep' as const,
      where: `${r.gate} · ${r.direction}`,
    })),
    ...c.video.cameras.map((cam) => ({
      id: cam.id,
      name: cam.name ?? cam.id,
      kind: 'camera' as const,
      action: 'snapshot' as const,
      where: cam.location ?? null,
    })),
    ...c.pa.zones.map((z) => ({
      id: z.id,
      name: z.name,
      kind: 'pa-zone' as const,
      action: 'ring' as const,
      where: null,
    })),
    ...c.devices.map((d) => ({
      id: d.id,
      name: d.name ?? d.id,
      kind: 'sensor' as const,
      action: 'read' as const,
      where: d.room ?? null,
    })),
    ...c.boards.map((b) => ({
      id: b.id,
      name: b.name,
      kind: 'board' as const,
      action: 'ping' as const,
      where: b.class,
    })),
  ];
}

export interface TestDeps {
  config: SiteConfig;
  devices: DeviceDirectory;
  access: AccessService;
  pa: PaService;
  boards: BoardService;
  readings: ReadingsIndex;
  now: () => number;
}

/**
 * One test per kind of device, each the smallest thing that proves it is wired right: a gate
 * opens once (as a remote open, so the passage is expected), a reader beeps and shows green, a
 * camera sends a picture, a PA zone rings a chime, a sensor has a fresh reading, a board's
 * screen is connected. Failures are said, never reported as done.
 */
export async function runTest(d: TestDeps, device: SiteDevice, by: string): Promise<TestOutcome> {
  switch (device.kind) {
    case 'gate':
      await d.access.open(device.id, 'in');
      return said(true, 'test.gate-pulsed');
    case 'reader': {
      const reader = d.devices.get(device.id, 'readerFeedback');
      if (!reader) return said(false, 'test.reader-no-feedback');
      reader.feedback(true, 1500);
      return said(true, 'test.reader-signalled');
    }
    case 'camera': {
      const cam = d.devices.get(device.id, 'snapshot');
      if (!cam) throw new CodedError('test.no-capability', { device: device.id, detail: 'snapshot' });
      const jpeg = await cam.snapshot();
      return said(true, 'test.snapshot', { kb: Math.max(1, Math.round(jpeg.length / 1024)) });
    }
    case 'pa-zone': {
      const r = d.pa.request({
        source: { kind: 'chime', seconds: 3 },
        zones: [device.id],
        priority: 'announcement',
        label: `commissioning test ${device.id}`,
        by,
      });
      if (r.state === 'dropped') return said(false, 'test.pa-dropped', { detail: 'priority' });
      return said(r.state === 'playing', r.state === 'playing' ? 'test.pa-ringing' : 'test.pa-queued', {
        zone: device.name,
      });
    }
    case 'sensor': {
      const cfg = d.config.devices.find((x) => x.id === device.id)!;
      const window = Math.ceil(cfg.poll_interval_s * 3);
      const fresh = d.readings.deviceLatest(device.id, d.now() - window * 1000);
      if (!fresh.length) return said(false, 'test.sensor-stale', { s: window });
      return said(true, 'test.sensor-read', { values: fresh.map((r) => `${r.point} ${r.value}`).join(', ') });
    }
    case 'board': {
      const n = d.boards.connected(device.id);
      return n ? said(true, 'test.board-connected', { n }) : said(false, 'test.board-none');
    }
  }
}
