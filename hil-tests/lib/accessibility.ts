import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Evaluated through the debugging protocol, which the console's Content-Security-Policy rightly does not allow a page to do.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA failures axe-core finds on the page as it is shown: each as "rule: element". */
export async function wcagViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script
    const axe = (window as any).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.flatMap((v: { id: string; nodes: { target: string[] }[] }) =>
      v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`),
    );
  });
}

const CONTROLS =
  'button:not([disabled]), a[href], input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, summary, [tabindex="0"]';

/**
 * Visible controls the Tab key never reaches: Tab is pressed through the whole page and each
 * control that took the focus is marked; what is left cannot be used without a mouse.
 */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  const total = await page.evaluate((selector) => {
    for (const e of document.querySelectorAll('[data-kb-reached]')) e.removeAttribute('data-kb-reached');
    document.addEventListener('focusin', (e) => (e.target as HTMLElement).setAttribute('data-kb-reached', ''), true);
    // Tab starts where focus last was: from the top of the page, as a keyboard user arriving would.
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    start.remove();
    return document.querySelectorAll(selector).length;
  }, CONTROLS);
  // Until the focus leaves the page (a date field takes several presses, one per part), with a bound.
  for (let i = 0; i < total * 8 + 20; i++) {
    await page.keyboard.press('Tab');
    if (i > 0 && (await page.evaluate(() => document.activeElement === document.body || !document.hasFocus()))) break;
  }
  return page.$$eval(CONTROLS, (els) =>
    els
      .filter((e) => {
        const r = e.getBoundingClientRect();
        const shown = r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
        // Tab enters a group of radio buttons once; the arrow keys choose within it.
        const radio = e as HTMLInputElement;
        const group =
          radio.type === 'radio' && radio.name
            ? document.querySelector(`input[type=radio][name="${radio.name}"][data-kb-reached]`)
            : null;
        return shown && !e.hasAttribute('data-kb-reached') && !group;
      })
      .map(
        (e) =>
          `${e.tagName.toLowerCase()} "${(e.textContent || (e as HTMLInputElement).placeholder || '').trim().slice(0, 24)}"`,
      ),
  );
}
