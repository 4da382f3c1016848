import { t, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { liveConnected, reachable } from '../state.ts';

/** What the console last heard of a device is not its state now once the controller is out of reach. */
export function useShownHealth(): (health: string) => string {
  const up = useSignal(reachable) && useSignal(liveConnected);
  return (health) => (up ? health : 'unknown');
}

/** A device's health as a coloured label: `unknown` while the controller cannot be reached. */
export function HealthPill({ health }: { health: string }) {
  const shown = useShownHealth()(health);
  return (
    <span class={`pill ${shown}`} data-health={shown}>
      {t(shown as Key)}
    </span>
  );
}
