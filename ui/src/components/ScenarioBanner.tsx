import { fmtTime, t } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { scenario } from '../state.ts';

/** A lockdown or evacuation in force, real or drill, across the top of every page until the all-clear. */
export function ScenarioBanner() {
  const s = useSignal(scenario);
  if (!s) return null;
  return (
    <a href="#/emergency" class="banner-link">
      <div
        class={`banner scenario ${s.kind}${s.drill ? ' drill' : ''}`}
        role="alert"
        data-testid="scenario-banner"
        data-kind={s.kind}
        data-drill={String(s.drill)}
      >
        <strong>
          {s.drill ? `【${t('drill')}】` : '⚠ '}
          {t(s.kind === 'lockdown' ? 'lockdownInForce' : 'evacuationInForce')}
        </strong>
        <span>
          {t('startedSince')} {fmtTime(s.startedAt)} · {s.by}
        </span>
      </div>
    </a>
  );
}
