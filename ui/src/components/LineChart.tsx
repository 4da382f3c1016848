import { siteTimeZone } from '../i18n.ts';
export interface Point {
  ts: number;
  value: number;
}

/** An SVG line chart with dashed limit lines; no library needed for one series. */
export function LineChart({ points, limits = [], unit }: { points: Point[]; limits?: number[]; unit: string }) {
  const W = 600,
    H = 180,
    L = 44,
    B = 18,
    T = 8,
    R = 8;
  if (!points.length)
    return (
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={unit}>
        <text x={W / 2} y={H / 2} text-anchor="middle">
          —
        </text>
      </svg>
    );
  const xs = points.map((p) => p.ts),
    ys = [...points.map((p) => p.value), ...limits];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-9) {
    y0 -= 1;
    y1 += 1;
  }
  const pad = (y1 - y0) * 0.08;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.ts).toFixed(1)},${sy(p.value).toFixed(1)}`).join('');
  const ticks = [y0 + pad, (y0 + y1) / 2, y1 - pad];
  const time = (ms: number) =>
    new Date(ms).toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: siteTimeZone.value,
    });
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      data-points={points.length}
      role="img"
      aria-label={unit}
    >
      {ticks.map((v) => (
        <text x={4} y={sy(v) + 3}>
          {v.toFixed(1)}
        </text>
      ))}
      {limits.map((v) => (
        <line class="limit" x1={L} x2={W - R} y1={sy(v)} y2={sy(v)} />
      ))}
      <path class="line" d={d} />
      <text x={L} y={H - 4}>
        {time(x0)}
      </text>
      <text x={W - R} y={H - 4} text-anchor="end">
        {time(x1)} {unit}
      </text>
    </svg>
  );
}
