import type { Db } from '../../store/database.ts';
import type { PlanImage } from './plan-image.ts';

/** A device on a plan, at a fraction of the picture's width (x) and height (y) from its top left. */
export interface Marker {
  device: string;
  x: number;
  y: number;
}
export interface Plan {
  id: number;
  building: string;
  floor: string;
  width: number;
  height: number;
  updatedAt: number;
  markers: Marker[];
}

/** Each building's floors as pictures, with the devices an admin placed on them. */
export class PlanStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new plan, or a new picture for a building's floor (its markers stay where they were). */
  put(building: string, floor: string, image: PlanImage, bytes: Buffer): Plan {
    this.db
      .prepare(
        `INSERT INTO plans (building, floor, mime, width, height, image, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (building, floor) DO UPDATE SET mime = excluded.mime, width = excluded.width,
           height = excluded.height, image = excluded.image, updated_at = excluded.updated_at`,
      )
      .run(building, floor, image.mime, image.width, image.height, bytes, this.now());
    return this.list().find((p) => p.building === building && p.floor === floor)!;
  }

  list(): Plan[] {
    const plans = this.db
      .prepare('SELECT id, building, floor, width, height, updated_at AS updatedAt FROM plans ORDER BY building, floor')
      .all() as Omit<Plan, 'markers'>[];
    const markers = this.db
      .prepare('SELECT plan_id AS planId, device, x, y FROM plan_markers ORDER BY device')
      .all() as (Marker & {
      planId: number;
    })[];
    return plans.map((p) => ({
      ...p,
      markers: markers.filter((m) => m.planId === p.id).map(({ device, x, y }) => ({ device, x, y })),
    }));
  }

  image(id: number): { mime: string; bytes: Buffer; updatedAt: number } | null {
    const r = this.db.prepare('SELECT mime, image, updated_at FROM plans WHERE id = ?').get(id) as
      | { mime: string; image: Buffer; updated_at: number }
      | undefined;
    return r ? { mime: r.mime, bytes: r.image, updatedAt: r.updated_at } : null;
  }

  /** The plan's markers, all at once: a device sits on one plan at most, so placing it here takes it off any other. */
  setMarkers(id: number, markers: readonly Marker[]): boolean {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM plans WHERE id = ?').get(id)) return false;
      this.db.prepare('DELETE FROM plan_markers WHERE plan_id = ?').run(id);
      const off = this.db.prepare('DELETE FROM plan_markers WHERE device = ?');
      const add = this.db.prepare('INSERT INTO plan_markers (plan_id, device, x, y) VALUES (?, ?, ?, ?)');
      for (const m of markers) {
        off.run(m.device);
        add.run(id, m.device, m.x, m.y);
      }
      this.db.prepare('UPDATE plans SET updated_at = ? WHERE id = ?').run(this.now(), id);
      return true;
    })();
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM plans WHERE id = ?').run(id).changes > 0;
  }
}
