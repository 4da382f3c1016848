import { HealthPill, useShownHealth } from '../components/HealthPill.tsx';
import { fmtTime, t, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { alarms, devices, recent } from '../state.ts';
import { AlarmTable } from './Alarms.tsx';

export function Dashboard() {
  const list = useSignal(alarms);
  const devs = useSignal(devices);
  const events = useSignal(recent);
  const shown = useShownHealth();
  const count = (h: string) => devs.filter((d) => shown(d.health) === h).length;
  const latest = new Map<string, { point: string; value: number; unit: string }[]>();
  for (const e of events) if (e.topic === 'telemetry' && !latest.has(e.source)) latest.set(e.source, e.data.readings);
  return (
    <>
      <div class="grid">
        <div class="card">
          <h3>{t('openAlarms')}</h3>
          <div class="kpi" data-testid="open-alarms">
            {list.length}
          </div>
        </div>
        {(['online', 'degraded', 'offline', 'unknown'] as const).map((h) => (
          <div class="card">
            <h3>
              {t('devices')} · {t(h)}
            </h3>
            <div class="kpi">{count(h)}</div>
          </div>
        ))}
      </div>
      <h2>{t('alarms')}</h2>
      <AlarmTable list={list} />
      <h2>{t('devices')}</h2>
      <table data-testid="device-table">
        <thead>
          <tr>
            <th>{t('device')}</th>
            <th>{t('room')}</th>
            <th>{t('model')}</th>
            <th>{t('health')}</th>
            <th>{t('live')}</th>
            <th>{t('lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {devs.map((d) => (
            <tr key={d.id} data-device={d.id}>
              <td>{d.name}</td>
              <td>{d.room ?? '—'}</td>
              <td>{d.model ?? '—'}</td>
              <td>
                <HealthPill health={d.health} />
                {d.detail && d.health !== 'online' ? <div class="muted">{d.detail}</div> : null}
              </td>
              <td class="live-reading">
                {(latest.get(d.id) ?? []).map((r) => `${t(r.point as Key)} ${r.value} ${r.unit}`).join(' · ')}
              </td>
              <td>{fmtTime(d.lastOkAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
