import type { Db } from './database.ts';
import { PERSONAL_TOPICS } from './event-log.ts';
import type { PersonalCipher } from './personal-cipher.ts';

/**
 * A store from before sealing (or from a lab that had it off) is sealed once, in place: names
 * and cards, attendance rows, and the records about a person. The WAL is then truncated so that
 * the plain pages leave it too. A store sealed with one cipher is not silently read with another.
 */
export function sealPersonalData(db: Db, cipher: PersonalCipher): { sealed: boolean } {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'personal_cipher'").get() as { value: string } | undefined;
  const was = row?.value ?? 'none';
  if (was === cipher.name) return { sealed: false };
  if (was !== 'none')
    throw new Error(
      `the store's personal data is sealed with ${was}; it cannot be read as ${cipher.name}: set storage.personal_cipher back to ${was}`,
    );
  db.transaction(() => {
    const holder = db.prepare('UPDATE cardholders SET name = ?, card = ?, card_mac = ? WHERE id = ?');
    for (const c of db.prepare('SELECT id, name, card FROM cardholders').all() as {
      id: string;
      name: string;
      card: string;
    }[]) {
      holder.run(cipher.seal(c.name), cipher.seal(c.card), cipher.mac(c.card), c.id);
    }
    const passage = db.prepare('UPDATE passages SET cardholder_id = ? WHERE rowid = ?');
    for (const p of db.prepare('SELECT rowid, cardholder_id FROM passages').all() as {
      rowid: number;
      cardholder_id: string;
    }[]) {
      passage.run(cipher.mac(p.cardholder_id), p.rowid);
    }
    const event = db.prepare('UPDATE events SET data = ?, subject = ? WHERE seq = ?');
    const personal = db
      .prepare(`SELECT seq, data FROM events WHERE topic IN (${PERSONAL_TOPICS.map(() => '?').join(', ')})`)
      .all(...PERSONAL_TOPICS) as { seq: number; data: string }[];
    for (const e of personal) {
      const who = (JSON.parse(e.data) as { cardholderId?: unknown }).cardholderId;
      event.run(cipher.seal(e.data), typeof who === 'string' ? cipher.mac(who) : null, e.seq);
    }
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('personal_cipher', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(cipher.name);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { sealed: true };
}
