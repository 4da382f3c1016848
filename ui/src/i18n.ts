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
  alarmBanner: 'unacknowledged alarm(s)', committed: 'Committed records', forbidden: 'Your role may not do this',
  info: 'info', warning: 'warning', major: 'major', critical: 'critical',
  admin: 'Users & audit', users: 'Users', audit: 'Audit log', role: 'Role', created: 'Created', disabled: 'disabled', enabled: 'active',
  enable: 'Enable', disable: 'Disable', addUser: 'Add user', actor: 'Who', command: 'Command', result: 'Result',
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
  alarmBanner: '条报警待确认', committed: '已存储记录', forbidden: '当前角色无此权限',
  info: '提示', warning: '警告', major: '重要', critical: '紧急',
  admin: '用户与审计', users: '用户', audit: '操作审计', role: '角色', created: '创建时间', disabled: '已停用', enabled: '正常',
  enable: '启用', disable: '停用', addUser: '添加用户', actor: '操作人', command: '指令', result: '结果',
};

export type Key = keyof typeof en;
const dictionaries: Record<Lang, typeof en> = { 'zh-CN': zh, en };

/** Chinese first; the choice is remembered on this browser. */
export const lang = signal<Lang>((localStorage.getItem('lang') as Lang | null) ?? 'zh-CN');
lang.subscribe((l) => { localStorage.setItem('lang', l); document.documentElement.lang = l; });

export const t = (key: Key): string => dictionaries[lang.value][key] ?? key;

export const fmtTime = (ms: number | null) =>
  ms === null ? '—' : new Date(ms).toLocaleString(lang.value, { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
