import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gbAlarm } from './alarm-notify.ts';

test('an emergency button is a first-priority device alarm on its own channel; camera analytics are video alarms', () => {
  assert.deepEqual(
    gbAlarm({
      type: 'emergency.button',
      source: 'lodge',
      severity: 'critical',
      message: 'x',
      data: { name: '门卫室一键报警' },
    }),
    { device: 'lodge', priority: 1, method: 2, description: '门卫室一键报警', emergency: true },
  );
  assert.deepEqual(
    gbAlarm({
      type: 'camera.intrusion',
      source: 'cam-1',
      severity: 'major',
      message: 'x',
      data: { camera: 'cam-1', name: '操场' },
    }),
    { device: 'cam-1', priority: 2, method: 5, alarmType: 6, description: '操场', emergency: false },
  );
  assert.equal(
    gbAlarm({ type: 'camera.tamper', source: 'cam-1', severity: 'critical', message: 'x', data: {} })!.method,
    2,
  );
  assert.deepEqual(
    gbAlarm({ type: 'gate.forced-entry', source: 'east', severity: 'critical', message: 'x', data: { name: '东门' } }),
    { device: 'east', priority: 1, method: 2, description: '东门', emergency: false },
  );
  assert.equal(gbAlarm({ type: 'gate.tailgating', source: 'east', severity: 'major', message: 'x', data: {} }), null);
  // A device gone quiet or a CO2 level is the school's business, not the platform's.
  assert.equal(gbAlarm({ type: 'device.offline', source: 'co2-1', severity: 'major', message: 'x', data: {} }), null);
  assert.equal(
    gbAlarm({ type: 'environment.co2.high', source: 'co2-1', severity: 'warning', message: 'x', data: {} }),
    null,
  );
});

test('an intrusion zone is a device alarm on its alarm-input channel, its tamper a tamper alarm (type 2)', () => {
  assert.deepEqual(
    gbAlarm({ type: 'zone.intrusion', source: 'wall', severity: 'critical', message: 'x', data: { name: '东围墙' } }),
    { device: 'wall', priority: 1, method: 2, description: '东围墙', emergency: false },
  );
  assert.deepEqual(
    gbAlarm({ type: 'zone.tamper', source: 'wall', severity: 'critical', message: 'x', data: { name: '东围墙' } }),
    { device: 'wall', priority: 1, method: 2, alarmType: 2, description: '东围墙', emergency: false },
  );
});
