import type { OnvifCameraDriver } from '../../../drivers/video/onvif-camera-driver.ts';
import { CommandError, type CommandBus } from '../commands.ts';

/** PTZ from the console or the district: continuous move, stop, go to a preset. Audited like every command. */
export function registerVideoCommands(bus: CommandBus, cameras: () => OnvifCameraDriver[]): void {
  const speed = { type: 'number', minimum: -1, maximum: 1 };
  bus.register('camera.ptz', {
    permission: 'gate.operate',
    args: {
      required: ['cameraId', 'action'],
      properties: {
        cameraId: { type: 'string', maxLength: 64 },
        action: { enum: ['move', 'stop', 'preset'] },
        x: speed,
        y: speed,
        zoom: speed,
        preset: { type: 'string', maxLength: 64 },
      },
    },
    run: async (args) => {
      const cam = cameras().find((c) => c.config.id === args.cameraId);
      if (!cam) throw new CommandError(`no camera "${args.cameraId}" (无此摄像机)`);
      if (args.action === 'preset' && !args.preset) throw new CommandError('a preset token is needed (请选择预置位)');
      try {
        await cam.ptz(
          args.action as 'move' | 'stop' | 'preset',
          args as { x?: number; y?: number; zoom?: number; preset?: string },
        );
      } catch (err) {
        throw new CommandError(`${args.cameraId}: ${(err as Error).message}`);
      }
      return { cameraId: args.cameraId, action: args.action };
    },
  });
}
