import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../hil-tests/lib/site-fixture.ts';
import { checkSite } from './load-site.ts';
import { formatIssue } from './yaml-source.ts';

const good = `school: { id: s1, name: School, district: d1 }
gateway: { id: gw-1 }
uplink: { url: "mqtt://127.0.0.1:1883", allow_plaintext: true, allow_unsigned_commands: true }
buses:
  - { id: bus1, type: modbus-tcp, host: 127.0.0.1 }
devices:
  - { id: th-1, bus: bus1, address: 1, profile: renke-th, room: "101" }
`;

function check(text: string) {
  const t = tempDir('config');
  const file = join(t.dir, 'site.yaml');
  writeFileSync(file, text);
  try {
    return { ...checkSite(file), file };
  } finally {
    t.remove();
  }
}

test('a valid site loads with defaults filled in and its profiles resolved', () => {
  const { site, issues } = check(good);
  assert.deepEqual(issues, []);
  assert.equal(site!.config.console.port, 8080);
  assert.equal(site!.config.devices[0]!.poll_interval_s, 15);
  assert.equal(site!.profiles.get('renke-th')!.points[1]!.name, 'temperature');
});

test('every error names the file, the line and the field path', () => {
  const bad = good
    .replace('address: 1', 'address: 300')
    .replace('gateway: { id: gw-1 }', 'gateway: { id: gw-1, colour: red }')
    .replace('type: modbus-tcp, host: 127.0.0.1', 'type: modbus-tcp');
  const { issues, file } = check(bad);
  const lines = issues.map(formatIssue);
  assert.ok(lines.includes(`${file}:2:22: gateway.colour: unknown field "colour"`), lines.join('\n'));
  assert.ok(
    lines.some((l) => l.startsWith(`${file}:5:5: buses[0]: missing required field "host"`)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith(`${file}:7:37: devices[0].address: must be <= 247`)),
    lines.join('\n'),
  );
});

test('cross-references are checked: bus, profile, duplicate ids and addresses', () => {
  const bad = good.replace(
    'devices:\n',
    'devices:\n  - { id: th-1, bus: nobus, address: 1, profile: no-such-model }\n',
  );
  const lines = check(bad).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
  assert.ok(
    lines.some((l) => /^7 devices\[0\]\.bus: no bus "nobus"/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^7 devices\[0\]\.profile: no profile "no-such-model"/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^8 devices\[1\]\.id: duplicate id "th-1"/.test(l)),
    lines.join('\n'),
  );
});

test('an unknown bus type and YAML syntax errors are located too', () => {
  const lines = check(good.replace('type: modbus-tcp', 'type: canbus')).issues.map(formatIssue);
  assert.ok(
    lines.some((l) => /:5:\d+: buses\[0\]\.type: unsupported type "canbus"/.test(l)),
    lines.join('\n'),
  );
  const syntax = check('school: { id: s1\ngateway: [').issues;
  assert.ok(syntax.length > 0 && syntax[0]!.line >= 1 && syntax[0]!.path === '');
});

test('profile rules the schema cannot state are reported at their line: bool on registers, bits that do not fit, scale references', () => {
  const t = tempDir('profile');
  mkdirSync(join(t.dir, 'profiles'));
  writeFileSync(
    join(t.dir, 'profiles', 'odd.yaml'),
    [
      'model: X',
      'vendor: Y',
      'kind: env-sensor',
      'points:',
      '  - { name: door, function: 3, address: 0, type: bool, unit: "" }',
      '  - { name: relay, function: 1, address: 0, type: uint16, unit: "" }',
      '  - { name: mode, address: 1, bits: { offset: 12, length: 8 }, unit: "" }',
      '  - { name: f, address: 2, type: float32, bits: { offset: 0 }, unit: "" }',
      '  - { name: tvoc, address: 4, scale_from: { point: nothing, as: decimals }, unit: ppb }',
      '  - { name: tvoc, address: 5, unit: ppb }',
      '',
    ].join('\n'),
  );
  const file = join(t.dir, 'site.yaml');
  writeFileSync(file, `${good.replace('profile: renke-th', 'profile: odd')}profiles_dir: ./profiles\n`);
  const lines = checkSite(file).issues.map((i) => formatIssue({ ...i, file: 'odd.yaml' }));
  t.remove();
  assert.deepEqual(lines, [
    'odd.yaml:5:50: points[0].type: bool needs FC01 or FC02; use bits for a flag in a register',
    'odd.yaml:6:51: points[1].type: FC01 reads bits: type must be bool',
    'odd.yaml:7:37: points[2].bits: bits 12..19 do not fit in uint16',
    'odd.yaml:8:49: points[3].bits: bit fields need an integer type, not float32',
    'odd.yaml:10:13: points[5].name: point "tvoc" is already defined at points[4]',
    'odd.yaml:9:52: points[4].scale_from.point: no point "nothing" in this profile',
  ]);
});

test('a sensor whose factory serial settings differ from its bus is a warning with its line, not an error', () => {
  const site = good.replace(
    '{ id: bus1, type: modbus-tcp, host: 127.0.0.1 }',
    '{ id: bus1, type: modbus-rtu, port: /dev/ttyUSB0, baud_rate: 9600 }',
  );
  const { site: loaded, warnings } = check(site);
  assert.ok(loaded, 'still loads');
  assert.deepEqual(
    warnings.map((w) => `${w.line} ${w.path}: ${w.message}`),
    [
      '7 devices[0].profile: RS-WS-N01 leaves the factory at 4800 8N1, bus "bus1" runs 9600 8N1 (baud_rate differ): it will not answer unless it was re-set',
    ],
  );
  // A serial server keeps its line settings to itself: nothing to compare.
  assert.deepEqual(check(good.replace('type: modbus-tcp', 'type: modbus-rtu-tcp')).warnings, []);
});

test('a broken profile is reported in the profile file', () => {
  const t = tempDir('profile');
  mkdirSync(join(t.dir, 'profiles'));
  writeFileSync(
    join(t.dir, 'profiles', 'odd.yaml'),
    'model: X\nvendor: Y\nkind: env-sensor\npoints:\n  - { name: t, address: -1, unit: C }\n',
  );
  const file = join(t.dir, 'site.yaml');
  writeFileSync(file, `${good.replace('profile: renke-th', 'profile: odd')}profiles_dir: ./profiles\n`);
  const lines = checkSite(file).issues.map(formatIssue);
  t.remove();
  assert.ok(
    lines.some((l) => l.includes('odd.yaml:5:') && l.includes('points[0].address: must be >= 0')),
    lines.join('\n'),
  );
});

test('the shipped example site is valid apart from its certificate files', () => {
  const { issues } = checkSite(new URL('../../firmware-configs/sites/example-school.yaml', import.meta.url).pathname);
  assert.deepEqual(issues.map((i) => i.path).sort(), [
    'console.tls.cert',
    'console.tls.key',
    'update.public_key',
    'uplink.command_key',
    'uplink.tls.ca',
    'uplink.tls.cert',
    'uplink.tls.key',
  ]);
});

test('a console listening beyond this machine must have TLS, unless the site is a lab', () => {
  const open = `${good}console: { listen: 0.0.0.0, port: 8080 }\n`;
  const lines = check(open).issues.map(
    (i) => `${i.file.endsWith('site.yaml') ? 'site.yaml' : i.file}:${i.line}: ${i.path}: ${i.message}`,
  );
  assert.ok(
    lines.some((l) => /^site\.yaml:8: console\.listen: the console listens on 0\.0\.0\.0 beyond this machine/.test(l)),
    lines.join('\n'),
  );
  assert.deepEqual(check(open.replace('port: 8080 }', 'port: 8080, allow_plaintext: true }')).issues, []);
});

test('access: readers need a gate, gates a Modbus bus and a free address, OSDP readers an OSDP bus', () => {
  const text =
    good +
    `  - { id: osdp1, type: osdp, port: /dev/ttyS2 }
access:
  gates:
    - { id: south, bus: bus1, address: 1 }
    - { id: north, bus: osdp1, address: 2 }
  readers:
    - { id: r1, type: wiegand-serial, port: /dev/ttyUSB0, gate: west, direction: in }
    - { id: r2, type: osdp, bus: bus1, address: 1, gate: south, direction: out }
    - { id: r3, type: smartcard, gate: south, direction: out }
`;
  const fixed = text
    .replace('devices:\n  - { id: th-1, bus: bus1, address: 1, profile: renke-th, room: "101" }\n', '')
    .replace('buses:\n', 'devices:\n  - { id: th-1, bus: bus1, address: 1, profile: renke-th, room: "101" }\nbuses:\n');
  const lines = check(fixed).issues.map((i) => `${i.path}: ${i.message}`);
  assert.ok(
    lines.some((l) => l === 'access.readers[2].type: unsupported type "smartcard"'),
    lines.join('\n'),
  );
  const withoutBadType = check(
    fixed.replace('    - { id: r3, type: smartcard, gate: south, direction: out }\n', ''),
  ).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
  assert.ok(
    withoutBadType.some((l) => /access\.gates\[0\]\.address: address 1 is already used on bus "bus1"/.test(l)),
    withoutBadType.join('\n'),
  );
  assert.ok(
    withoutBadType.some((l) => /access\.gates\[1\]\.bus: bus "osdp1" is OSDP/.test(l)),
    withoutBadType.join('\n'),
  );
  assert.ok(
    withoutBadType.some((l) => /access\.readers\[0\]\.gate: no gate "west"/.test(l)),
    withoutBadType.join('\n'),
  );
  assert.ok(
    withoutBadType.some((l) => /access\.readers\[1\]\.bus: no OSDP bus "bus1"/.test(l)),
    withoutBadType.join('\n'),
  );
});

test('bell schedules are checked with the site: clashes, unknown zones, the active schedule', () => {
  const text =
    good +
    `pa:
  zones: [{ id: class-101, name: "101", address: "239.10.0.1:5004" }]
  active_schedule: summer
  schedules:
    - id: winter
      name: 冬季
      bells:
        - { at: "08:00", days: [1, 2], zones: [class-101] }
        - { at: "08:00", days: [2], zones: [gym] }
`;
  const lines = check(text).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
  assert.ok(
    lines.some((l) => /^16 pa\.schedules\[0\]\.bells\[1\]: no zone "gym"/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^16 pa\.schedules\[0\]\.bells\[1\]: rings at 08:00 on day 2 like bell 0/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /pa\.active_schedule: no schedule "summer"/.test(l)),
    lines.join('\n'),
  );
});

test('an update key must be an ed25519 or SM2 public key, named with its line', () => {
  const t = tempDir('config');
  try {
    const file = join(t.dir, 'site.yaml');
    writeFileSync(
      join(t.dir, 'ec.pem'),
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
    );
    writeFileSync(
      join(t.dir, 'ed.pem'),
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    writeFileSync(file, `${good}update:\n  public_key: ec.pem\n`);
    assert.deepEqual(checkSite(file).issues.map(formatIssue), [
      `${file}:9:15: update.public_key: ${join(t.dir, 'ec.pem')}: key must be ed25519 or SM2, not ec`,
    ]);
    writeFileSync(file, `${good}update:\n  public_key: ed.pem\n`);
    assert.deepEqual(checkSite(file).issues, []);
  } finally {
    t.remove();
  }
});

test('aliases: one without its anchor is located, and an alias bomb is refused instead of expanded', () => {
  const dangling = check(good.replace('gateway: { id: gw-1 }', 'gateway: { id: *gw }'));
  assert.deepEqual(dangling.issues.map(formatIssue), [
    `${dangling.file}:2:16: gateway.id: alias *gw names no anchor defined before it (&gw)`,
  ]);
  const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    rows.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    );
  const bomb = check(`${good}lol:\n${rows.map((r) => `  ${r}`).join('\n')}\n`);
  assert.equal(bomb.site, undefined);
  assert.match(formatIssue(bomb.issues[0]!), /:1:1: .*alias/i);
});

test('secrets must be readable by their owner alone; certificates may be public', () => {
  const t = tempDir('config');
  try {
    const file = join(t.dir, 'site.yaml');
    writeFileSync(join(t.dir, 'cam.pw'), 'secret\n', { mode: 0o644 });
    writeFileSync(join(t.dir, 'ca.pem'), 'not checked here\n', { mode: 0o644 });
    writeFileSync(
      file,
      `${good.replace(
        'uplink: { url: "mqtt://127.0.0.1:1883", allow_plaintext: true, allow_unsigned_commands: true }',
        'uplink: { url: "mqtts://127.0.0.1:8883", tls: { ca: ca.pem }, allow_unsigned_commands: true }',
      )}video:\n  cameras:\n    - { id: cam1, host: 192.0.2.1, username: admin, password_file: cam.pw }\n`,
    );
    assert.deepEqual(checkSite(file).issues.map(formatIssue), [
      `${file}:10:68: video.cameras[0].password_file: ${join(t.dir, 'cam.pw')} is a secret but its mode is 644: chmod 600 it`,
    ]);
    chmodSync(join(t.dir, 'cam.pw'), 0o600);
    assert.deepEqual(checkSite(file).issues, []);
  } finally {
    t.remove();
  }
});

test('the district link is TLS and signed commands unless a lab says otherwise', () => {
  const production = good.replace(
    'uplink: { url: "mqtt://127.0.0.1:1883", allow_plaintext: true, allow_unsigned_commands: true }',
    'uplink: { url: "mqtt://127.0.0.1:1883" }',
  );
  const { issues, file } = check(production);
  assert.deepEqual(issues.map(formatIssue), [
    `${file}:3:16: uplink.url: the district link must use TLS (mqtts:// or wss://); allow_plaintext: true is for a lab only`,
    `${file}:3:9: uplink: downlink commands must be signed: set command_key to the district's ed25519 or SM2 public key (allow_unsigned_commands: true is for a lab only)`,
  ]);
});

test('a gate that names some of its coils or inputs must name all of them', () => {
  const lines = check(
    `${good}access:
  gates:
    - { id: south, bus: bus1, address: 9, open_coils: { in: 4 }, inputs: { passage_in: 4, fire: 7 } }
`,
  ).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
  assert.deepEqual(lines.sort(), [
    '10:55 access.gates[0].open_coils: missing required field "out"',
    '10:74 access.gates[0].inputs: missing required field "forced"',
    '10:74 access.gates[0].inputs: missing required field "passage_out"',
  ]);
});

test('the gb28181 section: the gateway must be type 209, each channel a device of the site with an id of its type, the password a secret', () => {
  const t = tempDir('config');
  const file = join(t.dir, 'site.yaml');
  writeFileSync(join(t.dir, 'gb.pw'), 'secret\n', { mode: 0o644 });
  writeFileSync(
    file,
    `${good}video:
  cameras:
    - { id: cam-1, host: 10.0.0.9, username: admin, password_file: gb.pw }
gb28181:
  device_id: "34020000001320000009"
  name: 网关
  platforms:
    - id: province
      server_id: "34020000002000000001"
      domain: "3499000000"
      host: 10.1.1.1
      password_file: gb.pw
      channels:
        cam-1: "34020000001370000001"
        nothing: "34020000001310000002"
`,
  );
  try {
    const lines = checkSite(file).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    for (const expected of [
      /^12 gb28181\.device_id: digits 11-13 are 132; an access gateway is 209/,
      /^17 gb28181\.platforms\[0\]\.domain: the server id 34020000002000000001 is not in the domain 3499000000/,
      /^19 gb28181\.platforms\[0\]\.password_file: .*gb\.pw is a secret but its mode is 644/,
      /^21 gb28181\.platforms\[0\]\.channels\.cam-1: 34020000001370000001 is of type 137; a camera needs 131 or 132/,
      /^22 gb28181\.platforms\[0\]\.channels\.nothing: no camera, emergency button, gate, PA zone, intrusion zone or alarm output "nothing"/,
    ])
      assert.ok(
        lines.some((l) => expected.test(l)),
        `${expected}\n${lines.join('\n')}`,
      );
  } finally {
    t.remove();
  }
});

test("emergency buttons: their camera and their linked cameras must be this site's; with pre-alarm video, fewer than two linked is a warning", () => {
  const t = tempDir('config');
  const file = join(t.dir, 'site.yaml');
  writeFileSync(join(t.dir, 'cam.pw'), 'secret\n', { mode: 0o600 });
  writeFileSync(
    file,
    `${good}video:
  prealarm: { before_s: 30, after_s: 10 }
  cameras:
    - { id: cam-1, host: 10.0.0.9, username: admin, password_file: cam.pw }
    - { id: cam-2, host: 10.0.0.10, username: admin, password_file: cam.pw }
emergency_buttons:
  - { id: lodge, name: 门卫室, camera: cam-1, input: DI_1, cameras: [cam-1, cam-2] }
  - { id: gate, name: 校门, camera: cam-9, input: DI_1 }
  - { id: yard, name: 操场, camera: cam-2, input: DI_2, cameras: [cam-2, cam-x] }
`,
  );
  try {
    const r = checkSite(file);
    const lines = r.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    assert.deepEqual(lines.sort(), [
      '15 emergency_buttons[1].camera: no camera "cam-9" in this site',
      '16 emergency_buttons[2].cameras[1]: no camera "cam-x" in this site',
    ]);
    assert.deepEqual(
      r.warnings.map((w) => `${w.line} ${w.path}: ${w.message}`),
      [
        '15 emergency_buttons[1]: 1 camera linked; GB/T 29315 and the police alarm centres ask for at least two (cameras: [...])',
      ],
    );
  } finally {
    t.remove();
  }
});

test('talk-back stations and linkage rules name only what the site has, with file:line', () => {
  const t = tempDir('config');
  const file = join(t.dir, 'site.yaml');
  writeFileSync(join(t.dir, 'cam.pw'), 'secret\n', { mode: 0o600 });
  writeFileSync(
    file,
    `${good}video:
  cameras:
    - { id: cam-1, host: 10.0.0.9, username: admin, password_file: cam.pw }
pa:
  zones: [{ id: yard, name: 操场, address: '239.1.1.1:5004' }]
emergency_buttons:
  - { id: lodge, name: 门卫室, camera: cam-1, input: DI_1, talkback: { microphone: cam-7, pa_zones: [hall] } }
  - { id: gate, name: 校门, camera: cam-1, input: DI_2, talkback: { microphone: cam-1 } }
outputs:
  - { id: siren, name: 操场警号, kind: siren, bus: nobus, address: 1, coil: 0 }
linkage:
  rules:
    - id: night
      name: 夜间入侵
      when: { kind: [camera.intrusion, cmaera], devices: [cam-1, cam-9] }
      steps:
        - { do: camera.preset, camera: cam-2, preset: '1' }
        - { do: clip, cameras: [cam-1] }
        - { do: pa.message, zones: [yard, gym], text: 有人闯入 }
        - { do: output, output: horn, seconds: 30 }
    - { id: night, name: 重复, when: { kind: [fire] }, steps: [{ do: popup }] }
`,
  );
  try {
    const r = checkSite(file);
    const lines = r.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    for (const expected of [
      /^\d+ emergency_buttons\[0\]\.talkback\.microphone: no camera "cam-7" in this site$/,
      /^\d+ emergency_buttons\[0\]\.talkback\.pa_zones\[0\]: no PA zone "hall" in this site$/,
      /^\d+ emergency_buttons\[0\]\.talkback: talk-back needs the alarm centre to call/,
      /^\d+ outputs\[0\]\.bus: no bus "nobus" in this site$/,
      /^\d+ linkage\.rules\[0\]\.when\.devices\[1\]: no device "cam-9" in this site$/,
      /^\d+ linkage\.rules\[0\]\.steps\[0\]\.camera: no camera "cam-2" in this site$/,
      /^\d+ linkage\.rules\[0\]\.steps\[1\]: a clip needs pre-alarm video/,
      /^\d+ linkage\.rules\[0\]\.steps\[2\]\.zones\[1\]: no PA zone "gym" in this site$/,
      /^\d+ linkage\.rules\[0\]\.steps\[3\]\.output: no alarm output "horn" in outputs$/,
      /^\d+ linkage\.rules\[1\]\.id: a second rule "night"$/,
    ])
      assert.ok(
        lines.some((l) => expected.test(l)),
        `${expected}\n${lines.join('\n')}`,
      );
    assert.ok(
      lines.every((l) => /^\d+ /.test(l) && !l.startsWith('undefined')),
      'every error has its line',
    );
    const warnings = r.warnings.map((w) => `${w.path}: ${w.message}`);
    assert.ok(
      warnings.some((w) => /^linkage\.rules\[0\]\.when\.kind\[1\]: no alarm of kind "cmaera"/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(warnings.some((w) => /^emergency_buttons\[1\]\.talkback: no speaker and no PA zones/.test(w)));
  } finally {
    t.remove();
  }
});

test('gb28181 channels for intrusion zones are alarm inputs (134) and for alarm outputs 135', () => {
  const t = tempDir('config');
  const file = join(t.dir, 'site.yaml');
  writeFileSync(join(t.dir, 'gb.pw'), 'secret\n', { mode: 0o600 });
  writeFileSync(
    file,
    `${good}io_modules:
  - { id: io-1, name: 输入模块, bus: bus1, address: 1 }
zones:
  - { id: wall, name: 东围墙, input: { module: io-1, input: 0 } }
  - { id: door, name: 门, input: { module: io-1, input: 9 } }
outputs:
  - { id: siren, name: 警号, kind: siren, bus: bus1, address: 2, coil: 0 }
gb28181:
  device_id: "34020000002090000009"
  name: 网关
  platforms:
    - id: province
      server_id: "34020000002000000001"
      domain: "3402000000"
      host: 10.1.1.1
      password_file: gb.pw
      channels:
        wall: "34020000001370000001"
        door: "34020000001340000002"
        siren: "34020000001350000003"
`,
  );
  try {
    const lines = checkSite(file).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
    assert.deepEqual(lines.sort(), [
      '12 zones[1].input.input: io-1 has inputs 0 to 7',
      '25 gb28181.platforms[0].channels.wall: 34020000001370000001 is of type 137; an intrusion zone needs 134',
    ]);
  } finally {
    t.remove();
  }
});
