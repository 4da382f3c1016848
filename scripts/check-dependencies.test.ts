import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycles, importsOf, violation } from './check-dependencies.ts';

const src = `import type { A } from '../core/types.ts';
import { b } from './b.ts';
export { c } from "../../drivers/contract.ts";
import './side-effect.ts';
const lazy = await import('../../hil-tests/sim/x.ts');
import { pkg } from 'fastify';
`;

test('reads every relative import form, marks type-only ones, and skips packages', () => {
  const got = importsOf('controller/api/x.ts', src).map((i) => [i.to, i.typeOnly, i.line]);
  assert.deepEqual(got, [
    ['controller/core/types.ts', true, 1],
    ['controller/api/b.ts', false, 2],
    ['drivers/contract.ts', false, 3],
    ['controller/api/side-effect.ts', false, 4],
    ['hil-tests/sim/x.ts', false, 5],
  ]);
});

test('each layer rule refuses what it should and lets the rest through', () => {
  const v = (from: string, to: string, typeOnly = false) => violation({ from, to, typeOnly, line: 1 });
  assert.match(v('drivers/video/x.ts', 'controller/features/video/video-service.ts')!, /driver imports controller/);
  assert.equal(v('drivers/video/x.ts', 'controller/config/types.ts'), null);
  assert.equal(v('drivers/video/x.ts', 'drivers/contract.ts'), null);
  assert.match(v('controller/core/x.ts', 'drivers/video/onvif-events.ts')!, /core imports a driver/);
  assert.equal(v('controller/core/x.ts', 'drivers/contract.ts'), null);
  assert.match(
    v('controller/core/x.ts', 'controller/features/access/wire.ts', true)!,
    /core imports controller\/features/,
  );
  assert.match(v('controller/store/x.ts', 'controller/api/messages.ts')!, /store imports/);
  assert.match(v('controller/cli/main.ts', 'demo/demo.ts')!, /product code imports/);
  assert.match(v('drivers/x.ts', 'hil-tests/sim/y.ts')!, /product code imports/);
  assert.equal(v('controller/core/x.test.ts', 'drivers/video/onvif-events.ts'), null, 'tests may reach anything');
  assert.equal(v('demo/demo.ts', 'hil-tests/sim/y.ts'), null, 'the demo may use the simulators');
});

test('finds run-time cycles and ignores those closed only by type imports', () => {
  const edge = (from: string, to: string, typeOnly = false) => ({ from, to, typeOnly, line: 1 });
  assert.deepEqual(cycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')]), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(cycles([edge('a', 'b'), edge('b', 'a', true)]), []);
});
