import type { LinkageRule } from './rule-match.ts';

/**
 * The rules every site gets unless it turns them off (`linkage.defaults: false`) or writes its
 * own of the same id. Gates released in a fire are not among them: that stays in the gate logic
 * itself (GB 55024), so that no rule file can ever keep a gate shut in a fire.
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
    steps: [
      { do: 'popup' },
      { do: 'board.notice', boards: 'all', text: '火警！请按疏散路线有序撤离 Fire: leave by your evacuation route' },
      { do: 'notify.district' },
    ],
  },
  {
    id: 'intrusion',
    name: '周界入侵联动',
    enabled: true,
    when: { kind: ['camera.intrusion', 'camera.line-crossing'], severity: 'major' },
    steps: [{ do: 'popup' }],
  },
];
