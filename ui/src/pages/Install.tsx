import { useEffect, useState } from 'preact/hooks';
import { HealthPill } from '../components/HealthPill.tsx';
import { api } from '../api.ts';
import { downloadCsv } from '../csv-download.ts';
import { fmtTime, t, tf, type Key } from '../i18n.ts';
import { serverText } from '../server-text.ts';

interface Test {
  id: number;
  at: number;
  by: string;
  device: string;
  kind: string;
  action: string;
  ok: boolean;
  detail: string;
  code: string | null;
  params: Record<string, string | number> | null;
  verdict: 'pass' | 'fail' | null;
  note: string | null;
}
interface Device {
  id: string;
  name: string;
  kind: string;
  action: string;
  where: string | null;
  health: string | null;
  detail: string | null;
  connected: number | null;
  last: Test | null;
}
interface Overview {
  devices: Device[];
  serialPorts: { path: string; details: string; bus: string | null }[];
  buses: { id: string; type: string; port: string | null }[];
}
interface Reader {
  id: string;
  gate: string;
  health: string;
  secure: boolean | null;
  installKey: boolean | null;
}
interface Found {
  urn: string;
  xaddrs: string[];
  name: string | null;
  hardware: string | null;
  location: string | null;
}
interface CommissionRecord {
  school: { name: string; id: string };
  gateway: { id: string };
  tests: Test[];
}

const said = (x: Test) => serverText(x) ?? x.detail;
const result = (x: Test) => (x.ok ? t('testOk') : t('testFailed'));
const verdict = (x: Test) => (x.verdict ? t(x.verdict === 'pass' ? 'verdictPass' : 'verdictFail') : t('verdictNone'));

/** A test just run: what the controller saw, and the installer's own verdict on what they saw or heard. */
function Judge({ test, onDone }: { test: Test; onDone: () => void }) {
  const [note, setNote] = useState('');
  const judge = async (v: 'pass' | 'fail') => {
    await api('POST', `/api/commission/tests/${test.id}/verdict`, { verdict: v, ...(note ? { note } : {}) });
    onDone();
  };
  return (
    <div class="toolbar" data-testid="judge">
      <span>{t('didItWork')}</span>
      <input
        value={note}
        placeholder={t('ackNote')}
        aria-label={t('ackNote')}
        onInput={(e) => setNote(e.currentTarget.value)}
      />
      <button type="button" class="primary" data-verdict="pass" onClick={() => void judge('pass')}>
        {t('verdictPass')}
      </button>
      <button type="button" data-verdict="fail" onClick={() => void judge('fail')}>
        {t('verdictFail')}
      </button>
    </div>
  );
}

/** The commissioning record (验收记录) as a page to print and sign: every test with its result, verdict, who and when. */
function PrintableRecord({ record }: { record: CommissionRecord }) {
  return (
    <section class="print-record" data-testid="commission-record">
      <h2>
        {t('commissionRecord')} · {record.school.name}
      </h2>
      <p>
        {t('gateway')}: {record.gateway.id} · {t('printedAt')} {fmtTime(Date.now())} ·{' '}
        {tf('testsCount', { n: record.tests.length })}
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('time')}</th>
            <th>{t('device')}</th>
            <th>{t('type')}</th>
            <th>{t('test')}</th>
            <th>{t('result')}</th>
            <th>{t('verdict')}</th>
            <th>{t('by')}</th>
          </tr>
        </thead>
        <tbody>
          {record.tests.map((x) => (
            <tr data-test-id={x.id}>
              <td>{fmtTime(x.at)}</td>
              <td>{x.device}</td>
              <td>{t(`dk_${x.kind.replace('-', '_')}` as Key)}</td>
              <td>{t(`act_${x.action}` as Key)}</td>
              <td>
                {result(x)}: {said(x)}
              </td>
              <td>
                {verdict(x)}
                {x.note ? ` · ${x.note}` : ''}
              </td>
              <td>{x.by}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="signatures">
        {t('signInstaller')} ____________ {t('signSchool')} ____________ {t('signDate')} ____________
      </p>
    </section>
  );
}

/** The installer's visit: each device's live state and a test, OSDP keys, what discovery finds, and the record to print. */
export function Install() {
  const [o, setO] = useState<Overview | null>(null);
  const [readers, setReaders] = useState<Reader[]>([]);
  const [just, setJust] = useState<Test | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [found, setFound] = useState<Found[] | null>(null);
  const [record, setRecord] = useState<CommissionRecord | null>(null);
  const [picture, setPicture] = useState<string | null>(null);
  const load = () =>
    Promise.all([
      api<Overview>('GET', '/api/commission').then(setO),
      api<Reader[]>('GET', '/api/access/readers').then(setReaders),
    ]).catch((e) => setMessage((e as Error).message));
  useEffect(() => {
    void load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);
  const test = async (d: Device) => {
    setMessage(null);
    setBusy(d.id);
    setPicture(null);
    try {
      const r = await api<{ result: Test }>('POST', `/api/commission/${encodeURIComponent(d.id)}/test`);
      setJust(r.result);
      if (d.kind === 'camera') setPicture(`/api/cameras/${encodeURIComponent(d.id)}/snapshot?t=${Date.now()}`);
    } catch (e) {
      setMessage(`${d.name}: ${(e as Error).message}`);
      setJust(null);
    } finally {
      setBusy(null);
      await load();
    }
  };
  const act = async (fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const openRecord = async () => setRecord(await api<CommissionRecord>('GET', '/api/commission/record'));
  const tested = o?.devices.filter((d) => d.last).length ?? 0;

  return (
    <>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      <h2>{t('commissionDevices')}</h2>
      <p class="muted">{tf('testedOf', { n: tested, total: o?.devices.length ?? 0 })}</p>
      <table data-testid="commission-devices">
        <thead>
          <tr>
            <th>{t('device')}</th>
            <th>{t('type')}</th>
            <th>{t('health')}</th>
            <th>{t('lastTest')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {o?.devices.map((d) => (
            <>
              <tr data-device={d.id}>
                <td>
                  {d.name}
                  {d.where ? <div class="muted">{d.where}</div> : null}
                </td>
                <td>{t(`dk_${d.kind.replace('-', '_')}` as Key)}</td>
                <td>
                  {d.health ? (
                    <HealthPill health={d.health} />
                  ) : d.connected !== null ? (
                    tf('screens', { n: d.connected })
                  ) : (
                    '—'
                  )}
                  {d.detail && d.health !== 'online' ? <div class="muted">{d.detail}</div> : null}
                </td>
                <td data-testid="last-test">
                  {d.last ? `${fmtTime(d.last.at)} · ${result(d.last)} · ${verdict(d.last)}` : t('notTested')}
                </td>
                <td>
                  <button type="button" class="primary" disabled={busy !== null} onClick={() => void test(d)}>
                    {busy === d.id ? '…' : t(`act_${d.action}` as Key)}
                  </button>
                </td>
              </tr>
              {just?.device === d.id && (
                <tr data-testid="test-result">
                  <td colSpan={5}>
                    <div class={just.ok ? '' : 'error'}>
                      {result(just)}: {said(just)}
                    </div>
                    {picture && <img src={picture} alt={d.name} style="max-width:100%;max-height:240px" />}
                    {just.verdict === null && (
                      <Judge
                        test={just}
                        onDone={() => {
                          setJust(null);
                          void load();
                        }}
                      />
                    )}
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>

      {readers.some((r) => r.secure !== null) && (
        <>
          <h2>{t('osdpKeys')}</h2>
          <table data-testid="osdp-keys">
            <thead>
              <tr>
                <th>ID</th>
                <th>{t('gate')}</th>
                <th>{t('health')}</th>
                <th>{t('secureChannel')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {readers
                .filter((r) => r.secure !== null)
                .map((r) => (
                  <tr data-reader={r.id}>
                    <td>{r.id}</td>
                    <td>{r.gate}</td>
                    <td>
                      <HealthPill health={r.health} />
                    </td>
                    <td>{r.secure ? (r.installKey ? t('installKey') : t('siteKey')) : t('notSecure')}</td>
                    <td>
                      {r.secure && r.installKey && (
                        <button
                          type="button"
                          class="primary"
                          onClick={() => act(() => api('POST', `/api/access/readers/${r.id}/keyset`))}
                        >
                          {t('setKey')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}

      <h2>{t('discovery')}</h2>
      <div class="toolbar">
        <button
          type="button"
          data-testid="discover-cameras"
          onClick={() => act(async () => setFound(await api<Found[]>('GET', '/api/cameras/discover')))}
        >
          {t('findCameras')}
        </button>
      </div>
      {found && (
        <table data-testid="found-cameras">
          <thead>
            <tr>
              <th>{t('address')}</th>
              <th>{t('model')}</th>
              <th>{t('place')}</th>
            </tr>
          </thead>
          <tbody>
            {found.length === 0 && (
              <tr>
                <td colSpan={3}>{t('noneFound')}</td>
              </tr>
            )}
            {found.map((f) => (
              <tr>
                <td>{f.xaddrs.join(' ')}</td>
                <td>{[f.name, f.hardware].filter(Boolean).join(' ')}</td>
                <td>{f.location ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('serialPorts')}</h3>
      <table data-testid="serial-ports">
        <thead>
          <tr>
            <th>{t('port')}</th>
            <th>{t('details')}</th>
            <th>{t('bus')}</th>
          </tr>
        </thead>
        <tbody>
          {o?.serialPorts.map((p) => (
            <tr>
              <td>{p.path}</td>
              <td>{p.details}</td>
              <td>{p.bus ?? t('free')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t('modbusScanHint')}</p>

      <h2>{t('commissionRecord')}</h2>
      <div class="toolbar">
        <button type="button" data-testid="open-record" onClick={() => void openRecord()}>
          {t('showRecord')}
        </button>
        {record && (
          <>
            <button type="button" class="primary" onClick={() => print()}>
              {t('print')}
            </button>
            <button
              type="button"
              onClick={() =>
                downloadCsv(`commissioning-${record.gateway.id}.csv`, [
                  [
                    t('time'),
                    t('device'),
                    t('type'),
                    t('test'),
                    t('result'),
                    t('detail'),
                    t('verdict'),
                    t('note'),
                    t('by'),
                  ],
                  ...record.tests.map((x) => [
                    fmtTime(x.at),
                    x.device,
                    t(`dk_${x.kind.replace('-', '_')}` as Key),
                    t(`act_${x.action}` as Key),
                    result(x),
                    said(x),
                    verdict(x),
                    x.note ?? '',
                    x.by,
                  ]),
                ])
              }
            >
              {t('exportExcel')}
            </button>
          </>
        )}
      </div>
      {record && <PrintableRecord record={record} />}
    </>
  );
}
