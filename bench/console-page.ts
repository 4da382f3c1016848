/**
 * The console's weight and speed on this machine, as a guard's browser meets it: bytes over the
 * wire for the login page with an empty cache, and from logging in to the dashboard with its data
 * (compressed, as sent; the scripts then cached), and the time
 * to first contentful paint, at a desk PC's size and a phone's, with an empty cache and a warm one.
 */
import { consoleLogin, launchChromium } from '../hil-tests/lib/browser.ts';
import { startCo2Gateway } from '../hil-tests/lib/load-sims.ts';
import { startController, tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { summary } from './stats.ts';

export interface PageFigures {
  viewport: string;
  /** Bytes transferred for the login page and everything it loads. */
  loginKb: number;
  /** Bytes transferred from logging in to the dashboard with its data, the scripts now cached. */
  dashboardKb: number;
  fcpColdMs: number;
  fcpWarmMs: number;
}

const transferred = () =>
  (performance.getEntriesByType('navigation') as PerformanceResourceTiming[])
    .concat(performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .reduce((n, e) => n + e.transferSize, 0);
/** First contentful paint, read through an observer: the timeline may not list it by the time 'load' fires. */
const fcp = () =>
  new Promise<number>((resolve) => {
    new PerformanceObserver((list) => {
      const e = list.getEntriesByName('first-contentful-paint')[0];
      if (e) resolve(e.startTime);
    }).observe({ type: 'paint', buffered: true });
    setTimeout(() => resolve(Number.NaN), 3000);
  });

export async function consolePage(runs: number): Promise<PageFigures[]> {
  const t = tempDir('bench-console');
  const gw = await startCo2Gateway(8);
  const c = await startController(
    await writeSite(t.dir, {
      uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
      buses: [gw.bus],
      devices: gw.devices(2),
    }),
  );
  await c.users.add('guard1', 'guard', 'guard-password-1');
  const base = `http://127.0.0.1:${c.site.config.console.port}`;
  const browser = await launchChromium();
  const out: PageFigures[] = [];
  try {
    for (const [name, viewport] of [
      ['desk 1280×900', { width: 1280, height: 900 }],
      ['phone 390×844', { width: 390, height: 844 }],
    ] as const) {
      const cold: number[] = [];
      const warm: number[] = [];
      let loginBytes = 0;
      let dashboardBytes = 0;
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        await page.goto(base, { waitUntil: 'load' });
        loginBytes = await page.evaluate(transferred);
        cold.push(await page.evaluate(fcp));
        await consoleLogin(page, base, 'guard1', 'guard-password-1');
        await page.waitForSelector('[data-testid=device-table] td');
        dashboardBytes = await page.evaluate(transferred);
        // The same browser again: the hashed scripts come from its cache.
        await page.reload({ waitUntil: 'load' });
        warm.push(await page.evaluate(fcp));
        await context.close();
      }
      out.push({
        viewport: name,
        loginKb: loginBytes / 1024,
        dashboardKb: dashboardBytes / 1024,
        fcpColdMs: summary(cold).p50,
        fcpWarmMs: summary(warm).p50,
      });
    }
    return out;
  } finally {
    await browser.close();
    await c.stop();
    await gw.sim.close();
    t.remove();
  }
}
