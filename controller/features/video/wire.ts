import { OnvifCameraDriver } from '../../../drivers/video/onvif-camera-driver.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaStore } from '../../store/media-store.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import type { EmergencyButtons } from '../scenarios/emergency-buttons.ts';
import type { ZoneService } from '../intrusion/zone-service.ts';
import { cameraRoutes } from './camera-routes.ts';
import { clipRoutes } from './clip-routes.ts';
import { registerVideoCommands } from './video-commands.ts';
import { VideoService } from './video-service.ts';
import { PrealarmService } from './prealarm-service.ts';
import { DEFAULT_RULES } from '../linkage/default-rules.ts';
import { clipCameras } from '../linkage/rule-match.ts';

/** ONVIF cameras: events to alarms with snapshots, PTZ, and the live view. */
export function wire(
  ctx: FeatureContext,
  buttons: EmergencyButtons,
  zones: ZoneService,
): Feature & {
  service: VideoService;
  snapshots: MediaStore;
  clips: MediaStore | null;
  prealarm: PrealarmService | null;
} {
  const c = ctx.site.config;
  const snapshots = new MediaStore(join(ctx.site.dataDir, 'snapshots'), c.video.snapshot_budget_mb * 1024 * 1024);
  const service = new VideoService({
    cameras: c.video.cameras,
    pipeline: ctx.pipeline,
    alarms: ctx.alarms,
    snapshots,
    timeZone: c.school.timezone,
    emergencyButton: (cameraId, input) => {
      const b = buttons.find(cameraId, input);
      return b && { press: () => buttons.press(b) };
    },
    zoneInput: (cameraId, input) => zones.cameraInput(cameraId, input),
    snapshot: (id) => {
      const cam = ctx.devices.get(id, 'snapshot');
      return cam ? cam.snapshot() : Promise.reject(new Error(`no camera ${id}`));
    },
  });
  ctx.inbound.on('cameraEvent', ({ camera, event }) => service.onEvent(camera, event));
  ctx.inbound.on('cameraConnected', ({ camera, clockDriftMs }) => service.onConnected(camera, clockDriftMs));
  ctx.inbound.on('liveStream', ({ camera, lost, detail }) =>
    ctx.alarms.follow(lost, `camera.stream-lost:${camera}`, () => ({
      type: 'camera.stream-lost',
      source: camera,
      severity: 'major',
      message: `${c.video.cameras.find((x) => x.id === camera)?.name ?? camera}: live stream lost (实时视频中断)`,
      data: { name: c.video.cameras.find((x) => x.id === camera)?.name ?? camera, detail },
    })),
  );
  const p = c.video.prealarm;
  const clips = p ? new MediaStore(join(ctx.site.dataDir, 'clips'), p.budget_mb * 1024 * 1024, '.mp4') : null;
  const prealarm =
    p &&
    clips &&
    new PrealarmService({
      site: c,
      config: p,
      dataDir: ctx.site.dataDir,
      clips,
      streamUrl: (camera) => ctx.devices.get(camera, 'camera')?.streamUrl() ?? null,
      pipeline: ctx.pipeline,
      alarms: ctx.alarms,
      log: ctx.log,
      ruleCameras: clipCameras(c, DEFAULT_RULES),
    });
  let unsubscribe: (() => void) | null = null;
  registerVideoCommands(ctx.commands, ctx.devices);
  const drivers = c.video.cameras.map(
    (cam) => new OnvifCameraDriver(cam, readFileSync(ctx.sitePath(cam.password_file), 'utf8').trim()),
  );
  return {
    name: 'video',
    service,
    snapshots,
    clips,
    prealarm: prealarm || null,
    drivers,
    routes: (app, api) => {
      cameraRoutes(app, api, ctx.devices);
      clipRoutes(app, clips);
    },
    start: () => {
      if (!prealarm) return;
      prealarm.start();
      unsubscribe = ctx.pipeline.onCommitted((events) => prealarm.onRecords(events));
    },
    stop: () => {
      unsubscribe?.();
      prealarm?.stop();
    },
  };
}
