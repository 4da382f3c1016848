import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { lang, t, type Key } from '../i18n.ts';
import { LineChart, type Point } from '../components/LineChart.tsx';
import { useSignal } from '../signal.ts';
import { alarms, recent } from '../state.ts';

interface Room {
  id: string;
  name: string;
  nameEn: string;
  latest: { point: string; value: number; ts: number }[];
}

/** GB/T 18883 reference lines drawn on the charts (the controller holds the real, season-aware limits). */
const LIMIT_LINES: Record<string, number[]> = { co2: [1000], pm25: [50] };
const UNITS: Record<string, string> = { temperature: '°C', humidity: '%RH', co2: 'ppm', pm25: 'µg/m³', pm10: 'µg/m³' };

export function Environment() {
  const [rooms, setRooms] = useState<Room[]>([]);
  const [room, setRoom] = useState<string | null>(null);
  const [hours, setHours] = useState(1);
  const [series, setSeries] = useState<Record<string, Point[]>>({});
  const events = useSignal(recent);
  const open = useSignal(alarms);
  useSignal(lang);

  useEffect(() => {
    void api<Room[]>('GET', '/api/rooms').then((r) => {
      setRooms(r);
      setRoom((cur) => cur ?? r[0]?.id ?? null);
    });
  }, []);
  const current = rooms.find((r) => r.id === room);
  const points = [...new Set(current?.latest.map((l) => l.point) ?? [])];

  useEffect(() => {
    if (!room) return;
    void Promise.all(
      points.map(
        async (p) =>
          [
            p,
            await api<Point[]>('GET', `/api/rooms/${encodeURIComponent(room)}/series?point=${p}&hours=${hours}`),
          ] as const,
      ),
    ).then((pairs) => setSeries(Object.fromEntries(pairs)));
  }, [room, hours, points.join()]);

  // Live readings extend the charts without refetching.
  const livePoints = (p: string): Point[] => {
    const base = series[p] ?? [];
    const last = base[base.length - 1]?.ts ?? 0;
    const extra = events
      .filter((e) => e.topic === 'telemetry' && e.data.room === room && e.ts > last)
      .flatMap((e) =>
        (e.data.readings as { point: string; value: number | null; quality: string }[])
          // A bad point is no measurement: the chart skips it, as the stored series does.
          .filter((r) => r.point === p && r.quality === 'good')
          .map((r) => ({ ts: e.ts, value: r.value as number })),
      )
      .reverse();
    return [...base, ...extra];
  };
  const alarmed = (p: string) => open.some((a) => a.active && a.data.room === room && a.data.point === p);

  return (
    <>
      <div class="toolbar">
        <label>
          {t('room')}{' '}
          <select value={room ?? ''} onChange={(e) => setRoom(e.currentTarget.value)} data-testid="room-select">
            {rooms.map((r) => (
              <option value={r.id}>{lang.value === 'en' ? r.nameEn : r.name}</option>
            ))}
          </select>
        </label>
        <label>
          <select value={hours} aria-label={t('period')} onChange={(e) => setHours(Number(e.currentTarget.value))}>
            {[1, 6, 24, 168].map((h) => (
              <option value={h}>
                {h} {t('hours')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="grid charts">
        {points.map((p) => {
          const pts = livePoints(p);
          const last = pts[pts.length - 1];
          return (
            <div class={`card reading ${alarmed(p) ? 'bad' : ''}`} data-point={p}>
              <h3>
                {t(p as Key)} <span class="v">{last ? last.value : '—'}</span>{' '}
                <span class="muted">{UNITS[p] ?? ''}</span>
              </h3>
              <LineChart points={pts} limits={LIMIT_LINES[p]} unit={UNITS[p] ?? ''} />
            </div>
          );
        })}
      </div>
    </>
  );
}
