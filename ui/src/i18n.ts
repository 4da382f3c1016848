import { signal } from './signal.ts';

export type Lang = 'zh-CN' | 'en';

const en = {
  title: 'Campus edge controller', login: 'Log in', username: 'Username', password: 'Password', logout: 'Log out',
  loginFailed: 'Wrong username or password', tooMany: 'Too many attempts; wait a minute',
  dashboard: 'Dashboard', alarms: 'Alarms', environment: 'Environment', events: 'Event log', uplink: 'Uplink',
  openAlarms: 'Open alarms', devices: 'Devices', online: 'online', degraded: 'degraded', offline: 'offline', unknown: 'unknown',
  backlog: 'Backlog', connected: 'Connected', disconnected: 'Disconnected', live: 'Live', ack: 'Acknowledge', acked: 'Acknowledged',
  active: 'Active', cleared: 'Cleared', severity: 'Severity', message: 'Message', source: 'Source', raised: 'Raised', state: 'State',
  time: 'Time', type: 'Type', data: 'Data', search: 'Search', more: 'Older', room: 'Room', device: 'Device', health: 'Health',
  lastSeen: 'Last good reading', noAlarms: 'No open alarms', lane0: 'Alarms, access, results', lane1: 'Events', lane2: 'Telemetry',
  published: 'Published', delivered: 'Delivered (PUBACK)', inflight: 'In flight', reconnects: 'Reconnects', lastError: 'Last error',
  hours: 'hours', temperature: 'Temperature', humidity: 'Humidity', co2: 'CO₂', pm25: 'PM2.5', pm10: 'PM10', limit: 'limit',
  bus: 'Bus', model: 'Model', requests: 'Requests', timeouts: 'Timeouts', malformed: 'Malformed frames', oldest: 'Oldest',
  accountLocked: 'This account is locked after repeated failed logins; wait, or ask an admin to unlock it', totpCode: 'Code from the authenticator app (or a recovery code)',
  account: 'My account', changePassword: 'Change password', currentPassword: 'Current password', newPassword: 'New password',
  passwordRules: 'At least 10 characters, of three kinds: lower case, upper case, digits, other', passwordChanged: 'Password changed; your other sessions have ended',
  mustChangePassword: 'Set a new password before you continue', mustEnrolTotp: 'Your role needs a second factor: scan the code with an authenticator app, then enter the code it shows',
  enrolTotp: 'Set up the authenticator', confirm: 'Confirm', recoveryCodes: 'Recovery codes: each works once instead of the phone. Write them down now; they are not shown again.',
  twoFactor: 'Second factor', sessions: 'My sessions', since: 'Since', lastSeen2: 'Last active', address: 'Address', thisSession: 'this one',
  logoutEverywhere: 'Log out everywhere', locked: 'locked', unlock: 'Unlock', resetPassword: 'Reset password', oneTimePassword: 'One-time password (hand it over; it must be changed at the first login)',
  reset2fa: 'Forget authenticator', mustChange: 'must change password', browser: 'Browser', finished: 'Done',
  storeFailing: 'Records cannot be stored: the controller is not keeping what happens', unreachable: 'The controller cannot be reached: what this page shows may be out of date',
  auditor: 'Audit', role_viewer: 'viewer', role_guard: 'guard', role_admin: 'admin', role_installer: 'installer', role_auditor: 'auditor',
  alarmBanner: 'unacknowledged alarm(s)', committed: 'Committed records', forbidden: 'Your role may not do this',
  info: 'info', warning: 'warning', major: 'major', critical: 'critical',
  admin: 'Users', users: 'Users', audit: 'Audit log', role: 'Role', created: 'Created', disabled: 'disabled', enabled: 'active',
  enable: 'Enable', disable: 'Disable', addUser: 'Add user', actor: 'Who', command: 'Command', result: 'Result',
  access: 'Access', gates: 'Gates', gate: 'Gate', mode: 'Mode', mode_normal: 'Normal', mode_locked: 'Locked', mode_free: 'Free passage',
  openIn: 'Open (in)', openOut: 'Open (out)', fire: 'FIRE', passages: 'Live passages', direction: 'Direction', in: 'in', out: 'out',
  cardholder: 'Cardholder', cardholders: 'Cardholders', unknownCard: 'unknown card', attendance: 'Attendance', class: 'Class',
  firstIn: 'First in', lastOut: 'Last out', entries: 'Entries', exits: 'Exits', name: 'Name', card: 'Card', groups: 'Groups',
  exportCsv: 'Export CSV', importCsv: 'Import CSV', imported: 'Imported', line: 'line', save: 'Save', edit: 'Edit',
  kind_student: 'student', kind_staff: 'staff', kind_visitor: 'visitor',
  cameras: 'Cameras', preset: 'Preset',
  emergency: 'Emergency & PA', scenarios: 'Scenarios', drill: 'Drill', lockdown: 'Lockdown', evacuation: 'Evacuation', allClear: 'All clear',
  confirmReal: 'This is NOT a drill. Start it?', target: 'Target', pa: 'Broadcast', idle: 'idle', announcement: 'Text to announce', speak: 'Announce',
  chime: 'Chime', stop: 'Stop', bells: 'Bell schedule', boardsTitle: 'Class boards', notice: 'Notice to all boards', post: 'Post',
  buttons: 'Emergency buttons', reset: 'Reset', testMode: 'Test mode 30 min', done: 'Done', days: 'Days (1 = Monday)', label: 'Label', addBell: 'Add bell',
  readers: 'Card readers', secureChannel: 'Secure channel', installKey: 'install key (SCBK-D)', siteKey: 'site key', notSecure: 'not secure', setKey: 'Set site key',
  ev_granted: 'granted', ev_denied: 'denied', ev_passage: 'passage', ev_not_passed: 'did not pass',
  why_unknown_card: 'unknown card', why_disabled: 'disabled', why_not_yet_valid: 'not yet valid', why_expired: 'expired',
  why_no_rule: 'not allowed at this gate', why_outside_schedule: 'outside hours', why_anti_passback: 'anti-passback', why_gate_locked: 'gate locked', why_free_passage: 'free passage',
};

const zh: typeof en = {
  title: '校园边缘控制器', login: '登录', username: '用户名', password: '密码', logout: '退出',
  loginFailed: '用户名或密码错误', tooMany: '尝试次数过多，请一分钟后再试',
  dashboard: '总览', alarms: '报警', environment: '环境监测', events: '事件日志', uplink: '上行链路',
  openAlarms: '未关闭报警', devices: '设备', online: '在线', degraded: '异常', offline: '离线', unknown: '未知',
  backlog: '待发送', connected: '已连接', disconnected: '未连接', live: '实时', ack: '确认', acked: '已确认',
  active: '报警中', cleared: '已恢复', severity: '级别', message: '内容', source: '来源', raised: '发生时间', state: '状态',
  time: '时间', type: '类型', data: '数据', search: '搜索', more: '更早', room: '房间', device: '设备', health: '状态',
  lastSeen: '最近正常读数', noAlarms: '无未关闭报警', lane0: '报警、门禁、指令结果', lane1: '事件', lane2: '遥测',
  published: '已发送', delivered: '已确认送达 (PUBACK)', inflight: '发送中', reconnects: '重连次数', lastError: '最近错误',
  hours: '小时', temperature: '温度', humidity: '湿度', co2: '二氧化碳', pm25: 'PM2.5', pm10: 'PM10', limit: '限值',
  bus: '总线', model: '型号', requests: '请求数', timeouts: '超时', malformed: '错误帧', oldest: '最早',
  accountLocked: '该账户因多次登录失败已被锁定，请稍后再试或联系管理员解锁', totpCode: '身份验证器动态码（或恢复码）',
  account: '我的账户', changePassword: '修改密码', currentPassword: '当前密码', newPassword: '新密码',
  passwordRules: '至少 10 个字符，包含小写、大写、数字、其他字符中的三类', passwordChanged: '密码已修改，其他会话已退出',
  mustChangePassword: '请先设置新密码', mustEnrolTotp: '您的角色需要第二重认证：请用身份验证器扫描二维码，然后输入显示的动态码',
  enrolTotp: '绑定身份验证器', confirm: '确认', recoveryCodes: '恢复码：每个可代替手机使用一次。请立即抄下，之后不再显示。',
  twoFactor: '双因素认证', sessions: '我的会话', since: '登录时间', lastSeen2: '最近活动', address: '地址', thisSession: '当前',
  logoutEverywhere: '退出所有会话', locked: '已锁定', unlock: '解锁', resetPassword: '重置密码', oneTimePassword: '一次性密码（交给用户；首次登录须修改）',
  reset2fa: '解除身份验证器', mustChange: '须修改密码', browser: '浏览器', finished: '完成',
  storeFailing: '记录无法写入存储：控制器当前无法保存发生的事件', unreachable: '无法连接控制器：本页显示的信息可能已过时',
  auditor: '安全审计', role_viewer: '查看员', role_guard: '保安', role_admin: '管理员', role_installer: '安装人员', role_auditor: '审计员',
  alarmBanner: '条报警待确认', committed: '已存储记录', forbidden: '当前角色无此权限',
  info: '提示', warning: '警告', major: '重要', critical: '紧急',
  admin: '用户管理', users: '用户', audit: '操作审计', role: '角色', created: '创建时间', disabled: '已停用', enabled: '正常',
  enable: '启用', disable: '停用', addUser: '添加用户', actor: '操作人', command: '指令', result: '结果',
  access: '门禁', gates: '闸机', gate: '闸机', mode: '模式', mode_normal: '正常', mode_locked: '锁闭', mode_free: '常开',
  openIn: '开闸(进)', openOut: '开闸(出)', fire: '消防', passages: '实时通行', direction: '方向', in: '进', out: '出',
  cardholder: '持卡人', cardholders: '持卡人', unknownCard: '未登记卡', attendance: '考勤', class: '班级',
  firstIn: '首次进校', lastOut: '最后离校', entries: '进', exits: '出', name: '姓名', card: '卡号', groups: '权限组',
  exportCsv: '导出 CSV', importCsv: '导入 CSV', imported: '已导入', line: '第', save: '保存', edit: '编辑',
  kind_student: '学生', kind_staff: '教职工', kind_visitor: '访客',
  cameras: '视频监控', preset: '预置位',
  emergency: '应急广播', scenarios: '应急预案', drill: '演练', lockdown: '紧急封闭', evacuation: '紧急疏散', allClear: '解除',
  confirmReal: '这不是演练，确定启动？', target: '对象', pa: '广播', idle: '空闲', announcement: '广播内容（语音合成）', speak: '播报',
  chime: '提示音', stop: '停止', bells: '作息铃声', boardsTitle: '电子班牌', notice: '发布到所有班牌的通知', post: '发布',
  buttons: '一键报警', reset: '复位', testMode: '测试模式 30 分钟', done: '已执行', days: '星期（1 为周一）', label: '名称', addBell: '添加铃声',
  readers: '读卡器', secureChannel: '安全通道', installKey: '安装密钥 (SCBK-D)', siteKey: '站点密钥', notSecure: '未加密', setKey: '设置站点密钥',
  ev_granted: '通过', ev_denied: '拒绝', ev_passage: '已通行', ev_not_passed: '未通行',
  why_unknown_card: '未登记卡', why_disabled: '已停用', why_not_yet_valid: '未生效', why_expired: '已过期',
  why_no_rule: '无此门权限', why_outside_schedule: '不在通行时段', why_anti_passback: '防回传', why_gate_locked: '闸机锁闭', why_free_passage: '常开',
};

export type Key = keyof typeof en;
const dictionaries: Record<Lang, typeof en> = { 'zh-CN': zh, en };

/** Chinese first; the choice is remembered on this browser. */
export const lang = signal<Lang>((localStorage.getItem('lang') as Lang | null) ?? 'zh-CN');
lang.subscribe((l) => { localStorage.setItem('lang', l); document.documentElement.lang = l; });

export const t = (key: Key): string => dictionaries[lang.value][key] ?? key;

export const fmtTime = (ms: number | null) =>
  ms === null ? '—' : new Date(ms).toLocaleString(lang.value, { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
