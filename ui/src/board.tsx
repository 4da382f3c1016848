import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

interface Takeover {
  kind: 'lockdown' | 'evacuation' | 'message';
  message: string;
  drill: boolean;
}
interface State {
  board: { id: string; name: string; class: string; room: string | null; assemblyPoint: string | null };
  timetable: { days: number[]; from: string; to: string; subject: string }[];
  notices: { id: string; text: string; at: number }[];
  attendance: { present: number; enrolled: number };
  takeover: Takeover | null;
}

const id = location.pathname.split('/').pop()!;
const key = new URLSearchParams(location.search).get('key') ?? '';
/** A kiosk shows both languages: it has no one to choose for it. */
const refusals = {
  'not-recognised': '非本班学生卡 · Not a card of this class',
  'too-many': '刷卡过于频繁，请稍候 · Too many taps, wait a moment',
} as const;

/** The kiosk page of one class board: reconnects forever, and a USB card reader types digits then Enter. */
function Board() {
  const [state, setState] = useState<State | null>(null);
  const [online, setOnline] = useState(false);
  const [now, setNow] = useState(new Date());
  const [tap, setTap] = useState<string | null>(null);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let attempt = 0;
    let closed = false;
    let typed = '';
    const connect = () => {
      ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/board-live/${encodeURIComponent(id)}?key=${encodeURIComponent(key)}`,
      );
      ws.onopen = () => {
        attempt = 0;
        setOnline(true);
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(m.data);
        if (msg.kind === 'state') setState(msg.state);
        if (msg.kind === 'tap-result') {
          setTap(
            msg.ok
              ? `✓ ${msg.name}`
              : `✗ ${refusals[msg.reason as keyof typeof refusals] ?? refusals['not-recognised']}`,
          );
          setTimeout(() => setTap(null), 3000);
        }
      };
      ws.onclose = () => {
        setOnline(false);
        if (!closed) setTimeout(connect, Math.min(10_000, 500 * 2 ** attempt++));
      };
    };
    connect();
    const onKey = (e: KeyboardEvent) => {
      if (/^\d$/.test(e.key)) typed += e.key;
      else if (e.key === 'Enter' && typed) {
        ws?.send(JSON.stringify({ kind: 'tap', card: typed }));
        typed = '';
      }
    };
    addEventListener('keydown', onKey);
    const clock = setInterval(() => setNow(new Date()), 1000);
    return () => {
      closed = true;
      ws?.close();
      clearInterval(clock);
      removeEventListener('keydown', onKey);
    };
  }, []);
  if (!state)
    return (
      <div class="board">
        <h1>…</h1>
      </div>
    );
  const t = state.takeover;
  if (t) {
    const text =
      t.kind === 'lockdown' ? '紧急封闭 · LOCKDOWN' : t.kind === 'evacuation' ? '紧急疏散 · EVACUATE' : '通知';
    return (
      <div class={`takeover ${t.kind}`} data-testid="takeover">
        {t.drill && <small>演练 DRILL</small>}
        <div>{text}</div>
        <small>{t.message}</small>
        {t.kind === 'evacuation' && state.board.assemblyPoint && <small>集合地点：{state.board.assemblyPoint}</small>}
      </div>
    );
  }
  const weekday = ((now.getDay() + 6) % 7) + 1;
  const hhmm = now.toTimeString().slice(0, 5);
  const today = state.timetable.filter((p) => p.days.includes(weekday));
  return (
    <div class="board">
      <div>
        <h1 data-testid="class">{state.board.name}</h1>
        <div class="clock">{hhmm}</div>
        <div class="panel">
          <table>
            {today.map((p) => (
              <tr class={p.from <= hhmm && hhmm < p.to ? 'now' : ''}>
                <td>
                  {p.from}–{p.to}
                </td>
                <td>{p.subject}</td>
              </tr>
            ))}
          </table>
        </div>
      </div>
      <div>
        <div class="panel">
          <div class="muted">今日出勤</div>
          <div class="count" data-testid="attendance">
            {state.attendance.present} / {state.attendance.enrolled}
          </div>
          {tap && <div>{tap}</div>}
        </div>
        <div class="panel" data-testid="notices">
          {state.notices.map((n) => (
            <div class="notice">{n.text}</div>
          ))}
        </div>
      </div>
      {!online && <div class="offline">离线，正在重连…</div>}
    </div>
  );
}

render(<Board />, document.getElementById('board')!);
