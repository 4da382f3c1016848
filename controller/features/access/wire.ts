import { GateDriver } from '../../../drivers/access/gate-driver.ts';
import { CodedError } from '../../core/message-catalog.ts';
import { OsdpKeyStore } from '../../../drivers/access/osdp/key-store.ts';
import { OsdpBusDriver } from '../../../drivers/access/osdp/osdp-bus-driver.ts';
import { WiegandReaderDriver } from '../../../drivers/access/wiegand-reader-driver.ts';
import type { Driver } from '../../../drivers/contract.ts';
import { serialLine } from '../../../drivers/serial-line.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { registerAccessCommands } from './access-commands.ts';
import { accessRoutes } from './access-routes.ts';
import { AccessService } from './access-service.ts';
import { peopleRoutes } from './people-routes.ts';

/** Card readers and gates: decisions in memory, passages and alarms, remote opening, cardholder sync. */
export function wire(ctx: FeatureContext): Feature & { service: AccessService } {
  const { config, dataDir } = ctx.site;
  const service = new AccessService({
    config: config.access,
    allowlist: ctx.allowlist,
    pipeline: ctx.pipeline,
    alarms: ctx.alarms,
    devices: ctx.devices,
    timeZone: config.school.timezone,
  });
  ctx.inbound.on('card', service.onCard);
  ctx.inbound.on('gateInputs', ({ gate, inputs }) => service.onGateInputs(gate, inputs));
  // A relay other than commanded is a gate open that should be shut (or shut in a fire): an alarm
  // until the read-back finds it right again.
  ctx.inbound.on('gateRelay', ({ gate, mismatch, detail }) =>
    ctx.alarms.follow(mismatch, `gate.relay-mismatch:${gate}`, () => ({
      type: 'gate.relay-mismatch',
      source: gate,
      severity: 'major',
      message: `${config.access.gates.find((g) => g.id === gate)?.name ?? gate}: a relay does not follow its command (闸机继电器与指令不符), corrected`,
      data: { gate, name: config.access.gates.find((g) => g.id === gate)?.name ?? gate, detail: detail ?? null },
    })),
  );
  registerAccessCommands(ctx.commands, service, ctx.allowlist, ctx.pipeline.log, (readerId) => {
    const reader = ctx.devices.get(readerId, 'secureReader');
    return reader ? reader.keyset() : Promise.reject(new CodedError('reader.unknown', { id: readerId }));
  });

  const keys = new OsdpKeyStore(`${dataDir}/osdp-keys.json`);
  const drivers: Driver[] = [];
  for (const bus of config.buses) {
    if (bus.type === 'osdp') {
      const readers = config.access.readers.filter(
        (r): r is Extract<typeof r, { type: 'osdp' }> => r.type === 'osdp' && r.bus === bus.id,
      );
      if (readers.length) drivers.push(new OsdpBusDriver(bus, readers, keys, serialLine(bus.port, bus.baud_rate)));
      continue;
    }
    const gates = config.access.gates.filter((g) => g.bus === bus.id);
    const link = ctx.modbus.get(bus.id);
    if (gates.length && link) drivers.push(new GateDriver(link, gates));
  }
  for (const r of config.access.readers) if (r.type === 'wiegand-serial') drivers.push(new WiegandReaderDriver(r));

  return {
    name: 'access',
    service,
    drivers,
    routes: (app, api) => {
      accessRoutes(app, api, service, ctx.devices);
      peopleRoutes(app, api);
    },
    start: () => service.start(),
    stop: () => service.stop(),
    status: () => ({
      fire: service.fireActive,
      gates: Object.fromEntries(service.gateStates().map((g) => [g.id, g.mode])),
    }),
  };
}
