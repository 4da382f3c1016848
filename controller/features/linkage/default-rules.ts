import type { LinkageRule } from './rule-match.ts';

/**
 * The rules every site gets unless it turns them off (`linkage.defaults: false`) or writes its
 * own of the same id. A fire starts the evacuation (gates free, the evacuation message, the boards'
 * assembly point); the gates' release in a fire stays in the gate logic as well (GB 55024), so
 * that no rule file can keep a gate shut in a fire.
 */
export const DEFAULT_RULES: readonly LinkageRule[] = [
  {
    id: 'emergency-button',
    name: '一键报警联动',
    enabled: true,
    when: { kind: ['emergency.button'] },
    steps: [{ do: 'popup' }, { do: 'notify.district' }],
  },
  {
    id: 'fire',
    name: '消防联动',
    enabled: true,
    when: { kind: ['fire'] },
    steps: [{ do: 'popup' }, { do: 'scenario', kind: 'evacuation' }, { do: 'notify.district' }],
  },
  {
    id: 'intrusion',
    name: '周界入侵联动',
    enabled: true,
    when: { kind: ['camera.intrusion', 'camera.line-crossing'], severity: 'major' },
    steps: [{ do: 'popup' }],
  },
];
