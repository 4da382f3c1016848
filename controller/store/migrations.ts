/**
 * Numbered schema migrations. Append only: a shipped migration is never edited,
 * because gateways in the field have already run it.
 */
export const migrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'event log, outbox, alarms, audit, users, devices, readings',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      -- The event log is also the outbox: delivered flips to 1 on PUBACK.
      CREATE TABLE events (
        seq       INTEGER PRIMARY KEY,
        id        TEXT NOT NULL UNIQUE,
        ts        INTEGER NOT NULL,
        lane      INTEGER NOT NULL,
        topic     TEXT NOT NULL,
        type      TEXT NOT NULL,
        source    TEXT NOT NULL,
        severity  TEXT,
        data      TEXT NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX events_outbox ON events (lane, seq) WHERE delivered = 0;
      CREATE INDEX events_ts ON events (ts);
      CREATE INDEX events_lane_ts ON events (lane, ts);

      CREATE TABLE alarms (
        id           TEXT PRIMARY KEY,
        key          TEXT NOT NULL,
        type         TEXT NOT NULL,
        source       TEXT NOT NULL,
        severity     TEXT NOT NULL,
        message      TEXT NOT NULL,
        data         TEXT NOT NULL,
        active       INTEGER NOT NULL,
        raised_at    INTEGER NOT NULL,
        cleared_at   INTEGER,
        acked_at     INTEGER,
        acked_by     TEXT
      );
      -- A projection of alarm events, written in their transaction; no unique
      -- constraints here, since a failed projection would fail the commit.
      CREATE INDEX alarms_key ON alarms (key);
      CREATE INDEX alarms_raised ON alarms (raised_at);

      CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        ts        INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        command   TEXT NOT NULL,
        args      TEXT NOT NULL,
        ok        INTEGER,
        result    TEXT,
        done_ts   INTEGER
      );

      CREATE TABLE users (
        username   TEXT PRIMARY KEY,
        role       TEXT NOT NULL,
        pw_hash    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled   INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        csrf       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );

      CREATE TABLE devices (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        health     TEXT NOT NULL,
        detail     TEXT,
        changed_at INTEGER NOT NULL,
        last_ok_at INTEGER
      );

      -- Per-point readings for the console charts; span 0 is raw, otherwise
      -- the width in ms of a downsampled bucket (value is its mean).
      CREATE TABLE readings (
        device TEXT NOT NULL,
        room   TEXT NOT NULL,
        point  TEXT NOT NULL,
        ts     INTEGER NOT NULL,
        value  REAL NOT NULL,
        span   INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX readings_room ON readings (room, point, ts);
      CREATE INDEX readings_age ON readings (span, ts);
    `,
  },
  {
    version: 2,
    name: 'access control: cardholders, groups, schedules, holidays, gate rules, passages',
    sql: `
      -- Personal data kept to the minimum an access decision and attendance need.
      CREATE TABLE cardholders (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        kind       TEXT NOT NULL,
        class      TEXT,
        card       TEXT NOT NULL,
        valid_from TEXT,
        valid_to   TEXT,
        enabled    INTEGER NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX cardholders_card ON cardholders (card);
      CREATE TABLE cardholder_groups (
        cardholder_id TEXT NOT NULL REFERENCES cardholders(id) ON DELETE CASCADE,
        group_id      TEXT NOT NULL,
        PRIMARY KEY (cardholder_id, group_id)
      );
      CREATE TABLE access_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL);
      -- intervals: JSON [{ "days": [1..7], "from": "HH:MM", "to": "HH:MM" }], Monday = 1
      CREATE TABLE schedules (id TEXT PRIMARY KEY, name TEXT NOT NULL, intervals TEXT NOT NULL, on_holidays INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE gate_rules (
        gate_id     TEXT NOT NULL,
        group_id    TEXT NOT NULL,
        schedule_id TEXT NOT NULL,
        PRIMARY KEY (gate_id, group_id)
      );
      -- For attendance: one row per passage, kept as long as access records.
      CREATE TABLE passages (
        ts            INTEGER NOT NULL,
        day           TEXT NOT NULL,
        cardholder_id TEXT NOT NULL,
        gate_id       TEXT NOT NULL,
        direction     TEXT NOT NULL
      );
      CREATE INDEX passages_day ON passages (day, cardholder_id);
      CREATE INDEX passages_ts ON passages (ts);
    `,
  },
  {
    version: 3,
    name: 'replay guard for signed district commands',
    sql: `CREATE TABLE seen_commands (id TEXT PRIMARY KEY, ts INTEGER NOT NULL);`,
  },
  {
    version: 4,
    name: 'accounts as an assessment asks: password age and history, lockout, idle sessions, TOTP; a hash chain over the audit',
    sql: `
      ALTER TABLE users ADD COLUMN pw_changed_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN locked_until INTEGER;
      ALTER TABLE users ADD COLUMN totp_secret TEXT;
      ALTER TABLE users ADD COLUMN totp_pending TEXT;
      ALTER TABLE users ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT '[]';
      UPDATE users SET pw_changed_at = created_at;
      CREATE TABLE password_history (
        username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        pw_hash    TEXT NOT NULL,
        changed_at INTEGER NOT NULL
      );
      CREATE INDEX password_history_user ON password_history (username, changed_at);
      -- Per account, whatever the address: the lockout counts these.
      CREATE TABLE login_failures (username TEXT NOT NULL, ts INTEGER NOT NULL, ip TEXT);
      CREATE INDEX login_failures_user ON login_failures (username, ts);
      ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sessions ADD COLUMN ip TEXT;
      ALTER TABLE sessions ADD COLUMN user_agent TEXT;
      UPDATE sessions SET last_seen = created_at;
      -- Each audit row is chained twice: when it is written (who, what) and when it is finished (how it went).
      CREATE TABLE audit_chain (
        n        INTEGER PRIMARY KEY,
        audit_id INTEGER NOT NULL,
        part     TEXT NOT NULL CHECK (part IN ('start', 'end')),
        prev     TEXT NOT NULL,
        hash     TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "minors' data sealed at rest: cards found by a keyed MAC, records tied to a person by one",
    sql: `
      DROP INDEX cardholders_card;
      ALTER TABLE cardholders ADD COLUMN card_mac TEXT;
      UPDATE cardholders SET card_mac = card;
      CREATE UNIQUE INDEX cardholders_card_mac ON cardholders (card_mac);
      -- Whose record an event is (a keyed MAC of the cardholder id), so that a person's records can be erased.
      ALTER TABLE events ADD COLUMN subject TEXT;
      CREATE INDEX events_subject ON events (subject) WHERE subject IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'the second factor a session was opened with',
    sql: `ALTER TABLE sessions ADD COLUMN factor TEXT;`,
  },
  {
    version: 7,
    name: 'readings by device, for the time means of the air-quality limits after a restart',
    sql: `CREATE INDEX readings_device ON readings (device, point, ts);`,
  },
  {
    version: 8,
    name: "guards' handover notes (the shift log)",
    sql: `CREATE TABLE shift_notes (
      id     INTEGER PRIMARY KEY,
      at     INTEGER NOT NULL,
      author TEXT NOT NULL,
      text   TEXT NOT NULL
    );`,
  },
  {
    version: 9,
    name: "the installer's device tests, for the commissioning record (验收记录)",
    sql: `CREATE TABLE commission_tests (
      id       INTEGER PRIMARY KEY,
      at       INTEGER NOT NULL,
      by       TEXT NOT NULL,
      device   TEXT NOT NULL,
      kind     TEXT NOT NULL,
      action   TEXT NOT NULL,
      ok       INTEGER NOT NULL,
      detail   TEXT NOT NULL,
      code     TEXT,
      params   TEXT,
      verdict  TEXT,
      note     TEXT,
      judged_at INTEGER
    );
    CREATE INDEX commission_tests_device ON commission_tests (device, id);`,
  },
  {
    version: 10,
    name: 'floor plans and the devices placed on them',
    sql: `CREATE TABLE plans (
      id         INTEGER PRIMARY KEY,
      building   TEXT NOT NULL,
      floor      TEXT NOT NULL,
      mime       TEXT NOT NULL,
      width      INTEGER NOT NULL,
      height     INTEGER NOT NULL,
      image      BLOB NOT NULL,
      updated_at INTEGER NOT NULL,
      UNIQUE (building, floor)
    );
    CREATE TABLE plan_markers (
      plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
      device  TEXT NOT NULL,
      x       REAL NOT NULL,
      y       REAL NOT NULL,
      PRIMARY KEY (plan_id, device)
    );`,
  },
  {
    version: 11,
    name: 'alarm clips sent to the district, part by part, so a send resumes where it stopped',
    sql: `CREATE TABLE clip_uploads (
      file      TEXT PRIMARY KEY,
      alarm_id  TEXT NOT NULL,
      alarm     TEXT NOT NULL,
      camera    TEXT NOT NULL,
      bytes     INTEGER NOT NULL,
      sha256    TEXT NOT NULL,
      part_size INTEGER NOT NULL,
      next_part INTEGER NOT NULL DEFAULT 0,
      queued_at INTEGER NOT NULL,
      done_at   INTEGER
    );
    CREATE INDEX clip_uploads_pending ON clip_uploads (done_at, queued_at);`,
  },
];
