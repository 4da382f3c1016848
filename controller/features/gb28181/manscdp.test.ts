import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { ManscdpError, parseManscdp, writeManscdp } from './manscdp.ts';

const GW = '34020000002000000001';

test("a platform's Catalog query in GB2312 is read; the answer goes back in GB2312 with its Chinese names", () => {
  const q = parseManscdp(
    iconv.encode(
      `<?xml version="1.0" encoding="GB2312"?>\r\n<Query>\r\n<CmdType>Catalog</CmdType>\r\n<SN>17430</SN>\r\n<DeviceID>${GW}</DeviceID>\r\n</Query>\r\n`,
      'gb2312',
    ),
  );
  assert.deepEqual([q.root, q.cmdType, q.sn, q.deviceId, q.encoding], ['Query', 'Catalog', 17430, GW, 'GB2312']);
  const answer = writeManscdp({
    root: 'Response',
    cmdType: 'Catalog',
    sn: q.sn,
    deviceId: GW,
    fields: {
      SumNum: 1,
      DeviceList: { '@Num': 1, Item: [{ DeviceID: '34020000001310000001', Name: '南门摄像机 <东>', Status: 'ON' }] },
    },
  });
  const text = iconv.decode(answer, 'gb2312');
  assert.match(text, /^<\?xml version="1.0" encoding="GB2312"\?>/);
  assert.match(
    text,
    /<DeviceList Num="1"><Item><DeviceID>34020000001310000001<\/DeviceID><Name>南门摄像机 &lt;东&gt;<\/Name>/,
  );
  assert.ok(!answer.includes(Buffer.from('南门', 'utf8')), 'not UTF-8');
  const back = parseManscdp(answer);
  assert.equal((back.fields.DeviceList as { Item: { Name: string }[] }).Item[0]!.Name, '南门摄像机 <东>');
});

test('UTF-8 platforms (2022 edition) are answered in UTF-8', () => {
  const q = parseManscdp(
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><Query><CmdType>DeviceInfo</CmdType><SN>2</SN><DeviceID>${GW}</DeviceID></Query>`,
    ),
  );
  assert.equal(q.encoding, 'UTF-8');
  assert.ok(
    writeManscdp({ ...q, root: 'Response', fields: { DeviceName: '校园网关' } }, 'UTF-8').includes(
      Buffer.from('校园网关'),
    ),
  );
});

test('bodies that are not MANSCDP, or that try XML tricks, are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['not xml at all', /no Query|not XML/],
    ['<Query><SN>1</SN><DeviceID>34020000002000000001</DeviceID></Query>', /no CmdType/],
    ['<Query><CmdType>Catalog</CmdType><SN>x</SN><DeviceID>34020000002000000001</DeviceID></Query>', /SN/],
    ['<Query><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>123</DeviceID></Query>', /20 digits/],
    ['<Other><CmdType>Catalog</CmdType></Other>', /no Query/],
    [
      '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Query><CmdType>&b;</CmdType></Query>',
      /document type/,
    ],
    ['<Query><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>34020000002000000001</DeviceID>', /not XML/],
  ];
  for (const [body, why] of cases)
    assert.throws(
      () => parseManscdp(Buffer.from(body)),
      (e: Error) => e instanceof ManscdpError && why.test(e.message),
      body,
    );
  assert.throws(() => parseManscdp(Buffer.alloc(70_000, 0x20)), /64 KB/);
});

test('a broadcast notification names its source and target instead of a DeviceID', () => {
  const q = parseManscdp(
    Buffer.from(
      '<?xml version="1.0"?><Notify><CmdType>Broadcast</CmdType><SN>9</SN><SourceID>34020000002000000001</SourceID><TargetID>34020000001370000001</TargetID></Notify>',
    ),
  );
  assert.equal(q.deviceId, '34020000001370000001');
  assert.equal(q.fields.SourceID, '34020000002000000001');
  assert.throws(
    () =>
      parseManscdp(
        Buffer.from(
          '<Notify><CmdType>Broadcast</CmdType><SN>9</SN><SourceID>1</SourceID><TargetID>34020000001370000001</TargetID></Notify>',
        ),
      ),
    /SourceID/,
  );
  assert.throws(
    () =>
      parseManscdp(
        Buffer.from('<Notify><CmdType>Broadcast</CmdType><SN>9</SN><SourceID>34020000002000000001</SourceID></Notify>'),
      ),
    /DeviceID/,
  );
});
