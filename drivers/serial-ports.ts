import { existsSync, readdirSync } from 'node:fs';
import { SerialPort } from 'serialport';

export interface SerialPortInfo {
  path: string;
  details: string;
}

/**
 * Serial ports on this machine. serialport asks udev; where udev is absent (a container,
 * a minimal image) the kernel's list of tty devices backed by hardware still names them.
 */
export async function listSerialPorts(): Promise<{ ports: SerialPortInfo[]; source: 'udev' | 'sysfs' }> {
  try {
    const ports = await SerialPort.list();
    return {
      source: 'udev',
      ports: ports.map((p) => ({
        path: p.path,
        details: [p.manufacturer, p.vendorId && `${p.vendorId}:${p.productId}`, p.serialNumber]
          .filter(Boolean)
          .join('  '),
      })),
    };
  } catch {
    const sys = '/sys/class/tty';
    const names = existsSync(sys) ? readdirSync(sys).filter((n) => existsSync(`${sys}/${n}/device`)) : [];
    return { source: 'sysfs', ports: names.sort().map((n) => ({ path: `/dev/${n}`, details: '' })) };
  }
}
