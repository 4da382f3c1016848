import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n.ts';

/** A page fetched the first time it is shown, so that the first paint carries only what a guard needs at once. */
export function lazyPage(load: () => Promise<ComponentType>): ComponentType {
  let page: ComponentType | null = null;
  let failed = false;
  return function LazyPage() {
    const [, loaded] = useState(0);
    useEffect(() => {
      if (page) return;
      failed = false;
      load().then(
        (p) => {
          page = p;
          loaded(1);
        },
        // Out of reach for a moment: said, and tried again the next time the page is opened.
        () => {
          failed = true;
          loaded(2);
        },
      );
    }, []);
    const Page = page;
    if (Page) return <Page />;
    return <p class={failed ? 'error' : 'muted'}>{t(failed ? 'pageLoadFailed' : 'loading')}</p>;
  };
}
