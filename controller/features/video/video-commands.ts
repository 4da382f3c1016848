import type { PtzAction } from '../../../drivers/contract.ts';
import { CommandError, type CommandBus } from '../../core/commands.ts';
import type { DeviceDirectory } from '../../core/device-directory.ts';

/** PTZ from the console or the district: continuous move, stop, go to a preset. Audited like every command. */
export function registerVideoCommands(bus: CommandBus, devices: DeviceDirectory): void {
  const speed = { type: 'number', minimum: -1, maximum: 1 } as const;
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
      const cam = devices.get(String(args.cameraId), 'ptz');
      if (!cam) throw new CommandError('camera.unknown', { id: String(args.cameraId) });
      if (args.action === 'preset' && !args.preset) throw new CommandError('camera.preset-needed');
      try {
        await cam.ptz(args.action as PtzAction, args as { x?: number; y?: number; zoom?: number; preset?: string });
      } catch (err) {
        throw new CommandError('camera.ptz-failed', { id: String(args.cameraId), detail: (err as Error).message });
      }
      return { cameraId: args.cameraId, action: args.action };
    },
  });
}
