import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Role } from '../../controller/core/roles.ts';

/** Debian's Chromium, headless, with the background services that would call out to the internet turned off. */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // The console's alarm sound, as on a guard's desk where the console was clicked once.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Logs in on the console's login page and waits for the console's first page. */
export async function consoleLogin(page: Page, base: string, username: string, password: string): Promise<Page> {
  await page.goto(base);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  // Attached, not visible: on a phone the menu starts folded.
  await page.waitForSelector('header nav', { state: 'attached' });
  return page;
}

/**
 * Adds a console user, opens Chromium logged in as them on `path`, runs `fn`
 * and closes the browser, whatever happens.
 */
export async function asConsoleUser(
  base: string,
  users: { add(u: string, role: Role, pw: string): Promise<void> },
  user: { name: string; role: Role; password: string },
  path: string,
  fn: (page: Page) => Promise<void>,
): Promise<void> {
  await users.add(user.name, user.role, user.password);
  const browser = await launchChromium();
  try {
    const page = await consoleLogin(await browser.newPage(), base, user.name, user.password);
    await page.goto(`${base}/${path}`);
    await fn(page);
  } finally {
    await browser.close();
  }
}

/** Closes every alarm pop-up on this console, as a guard does before working the page behind it. */
export async function closePopups(page: Page): Promise<void> {
  const close = page.locator('[data-testid=popup-close]');
  // A rule's pop-up follows its alarm by a record or two: give it a moment to come.
  await close.waitFor({ timeout: 2000 }).catch(() => {});
  // The newest shows first; closing it shows the next, if any.
  while (await close.isVisible()) await close.click();
}
