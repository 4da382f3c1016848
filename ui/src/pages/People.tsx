import { useEffect, useState } from 'preact/hooks';
import { api, type StoredEvent } from '../api.ts';
import { downloadCsv } from '../csv-download.ts';
import { sentence } from '../event-sentences.ts';
import { fmtTime, siteTimeZone, t, tf, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { recent } from '../state.ts';

interface Person {
  id: string;
  name: string;
  class: string | null;
  kind: string;
  card: string;
}
interface DayRow extends Omit<Person, 'card'> {
  present: boolean;
  firstIn: number | null;
  lastOut: number | null;
  entries: number;
  exits: number;
}
interface ClassRow {
  class: string;
  enrolled: number;
  present: number;
  absent: number;
  absentees: string[];
}
interface MonthRow extends Omit<Person, 'card'> {
  schoolDays: number;
  present: number;
  absent: number;
  absentDays: string[];
}
type Kind = 'day' | 'class' | 'month';
interface Report {
  kind: Kind;
  date: string;
  schoolDays: string[];
  rows: (DayRow | ClassRow | MonthRow)[];
}

// The school's day, not the browser's: attendance is by the school's date.
const today = () => new Date().toLocaleDateString('sv', { timeZone: siteTimeZone.value });
const PAGE = 100;

/** A person's passages over a date range: found by name, card or id; several matches are offered to choose from. */
function PersonHistory() {
  const [who, setWho] = useState('');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(today());
  const [matches, setMatches] = useState<Person[] | null>(null);
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [more, setMore] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const search = async (name: string, before?: number) => {
    setMessage(null);
    try {
      const r = await api<{ matches: Person[]; events: StoredEvent[] }>(
        'GET',
        `/api/people/history?who=${encodeURIComponent(name)}&from=${from}&to=${to}&limit=${PAGE}${before ? `&before=${before}` : ''}`,
      );
      setMatches(r.matches);
      setEvents(before ? [...events, ...r.events] : r.events);
      setMore(r.events.length === PAGE);
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const person = matches?.length === 1 ? matches[0]! : null;
  return (
    <section data-testid="person-history">
      <h2>{t('personHistory')}</h2>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search(who);
        }}
      >
        <input
          value={who}
          required
          placeholder={t('whoPlaceholder')}
          aria-label={t('whoPlaceholder')}
          data-testid="who"
          onInput={(e) => setWho(e.currentTarget.value)}
        />
        <label>
          {t('fromTime')}
          <input type="date" value={from} required onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('toTime')}
          <input type="date" value={to} required onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button class="primary" type="submit">
          {t('search')}
        </button>
      </form>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      {matches && matches.length === 0 && <p class="muted">{t('nobodyFound')}</p>}
      {matches && matches.length > 1 && (
        <div class="toolbar" data-testid="matches">
          <span>{t('chooseOne')}</span>
          {matches.map((m) => (
            <button
              type="button"
              onClick={() => {
                setWho(m.id);
                void search(m.id);
              }}
            >
              {m.name} {m.class ?? ''} ({m.id})
            </button>
          ))}
        </div>
      )}
      {person && (
        <>
          <p>
            <strong>{person.name}</strong> {person.class ?? ''} · {t(`kind_${person.kind}` as Key)} · {t('card')}{' '}
            {person.card} · {tf('recordsFound', { n: events.length })}
            {events.length > 0 && (
              <button
                type="button"
                onClick={() =>
                  downloadCsv(`${person.id}-${from}-${to}.csv`, [
                    [t('time'), t('gate'), t('event')],
                    ...events.map((e) => [fmtTime(e.ts), String(e.data.gate ?? e.source), sentence(e)]),
                  ])
                }
              >
                {t('exportExcel')}
              </button>
            )}
          </p>
          <table data-testid="history">
            <thead>
              <tr>
                <th>{t('time')}</th>
                <th>{t('event')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>{fmtTime(e.ts)}</td>
                  <td>{sentence(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {more && (
            <button type="button" onClick={() => void search(person.id, events.at(-1)!.seq)}>
              {t('more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The report's table and the same rows for the file, from one description of its columns. */
function reportColumns(kind: Kind): { head: Key; cell: (r: never) => string | number }[] {
  const mark = (present: boolean) => t(present ? 'present' : 'absent');
  if (kind === 'day')
    return [
      { head: 'name', cell: (r: DayRow) => r.name },
      { head: 'class', cell: (r: DayRow) => r.class ?? '' },
      { head: 'state', cell: (r: DayRow) => mark(r.present) },
      { head: 'firstIn', cell: (r: DayRow) => (r.firstIn === null ? '' : fmtTime(r.firstIn)) },
      { head: 'lastOut', cell: (r: DayRow) => (r.lastOut === null ? '' : fmtTime(r.lastOut)) },
      { head: 'entries', cell: (r: DayRow) => r.entries },
      { head: 'exits', cell: (r: DayRow) => r.exits },
    ];
  if (kind === 'class')
    return [
      { head: 'class', cell: (r: ClassRow) => r.class },
      { head: 'enrolled', cell: (r: ClassRow) => r.enrolled },
      { head: 'present', cell: (r: ClassRow) => r.present },
      { head: 'absent', cell: (r: ClassRow) => r.absent },
      { head: 'absentees', cell: (r: ClassRow) => r.absentees.join('、') },
    ];
  return [
    { head: 'name', cell: (r: MonthRow) => r.name },
    { head: 'class', cell: (r: MonthRow) => r.class ?? '' },
    { head: 'schoolDays', cell: (r: MonthRow) => r.schoolDays },
    { head: 'present', cell: (r: MonthRow) => r.present },
    { head: 'absent', cell: (r: MonthRow) => r.absent },
    { head: 'absentDays', cell: (r: MonthRow) => r.absentDays.map((d) => d.slice(5)).join(' ') },
  ];
}

/** Attendance for a day (everyone, absent too), per class, or per person over a month; each exports for Excel. */
function AttendanceReport() {
  const events = useSignal(recent);
  const [kind, setKind] = useState<Kind>('day');
  const [date, setDate] = useState(today());
  const [cls, setCls] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [message, setMessage] = useState<string | null>(null);
  const asked = kind === 'month' ? date.slice(0, 7) : date;
  // A report of today changes with passages only: refetched once a second at most while they come.
  const lastPassage = events.find((e) => e.type === 'access.passage')?.id ?? '';
  useEffect(() => {
    const timer = setTimeout(
      () =>
        void api<Report>(
          'GET',
          `/api/attendance/report?kind=${kind}&date=${asked}${cls ? `&class=${encodeURIComponent(cls)}` : ''}`,
        ).then(
          (r) => {
            setReport(r);
            setShown(PAGE);
            setMessage(null);
          },
          (e) => setMessage((e as Error).message),
        ),
      lastPassage ? 1000 : 0,
    );
    return () => clearTimeout(timer);
  }, [kind, asked, cls, lastPassage]);
  const columns = reportColumns(kind);
  const rows = report?.kind === kind ? report.rows : [];
  const title = `${t(`report_${kind}` as Key)} ${asked}${cls ? ` ${cls}` : ''}`;
  return (
    <section data-testid="attendance-report">
      <h2>{t('attendance')}</h2>
      <div class="toolbar">
        <select
          value={kind}
          aria-label={t('reportKind')}
          data-testid="report-kind"
          onChange={(e) => setKind(e.currentTarget.value as Kind)}
        >
          {(['day', 'class', 'month'] as const).map((k) => (
            <option value={k}>{t(`report_${k}` as Key)}</option>
          ))}
        </select>
        {kind === 'month' ? (
          <input
            type="month"
            value={asked}
            aria-label={t('month')}
            onInput={(e) => e.currentTarget.value && setDate(`${e.currentTarget.value}-01`)}
          />
        ) : (
          <input
            type="date"
            value={date}
            aria-label={t('day')}
            onInput={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
          />
        )}
        <input
          value={cls}
          placeholder={t('class')}
          aria-label={t('class')}
          onChange={(e) => setCls(e.currentTarget.value.trim())}
        />
        <button
          type="button"
          disabled={!rows.length}
          data-testid="report-export"
          onClick={() =>
            downloadCsv(`${t(`report_${kind}` as Key)}-${asked}${cls ? `-${cls}` : ''}.csv`, [
              [title],
              columns.map((c) => t(c.head)),
              ...rows.map((r) => columns.map((c) => c.cell(r as never))),
            ])
          }
        >
          {t('exportExcel')}
        </button>
      </div>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      {report?.kind === 'month' && <p class="muted">{tf('schoolDaysNote', { n: report.schoolDays.length })}</p>}
      <table data-testid="attendance">
        <thead>
          <tr>
            {columns.map((c) => (
              <th>{t(c.head)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, shown).map((r) => (
            <tr class={'present' in r && r.present === false ? 'muted' : ''}>
              {columns.map((c) => (
                <td>{c.cell(r as never)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown && (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          {tf('showMore', { n: rows.length - shown })}
        </button>
      )}
    </section>
  );
}

/** People and records: one person's history, and the attendance reports. */
export function People() {
  return (
    <>
      <PersonHistory />
      <AttendanceReport />
    </>
  );
}
