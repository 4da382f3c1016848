import type { FastifyRequest } from 'fastify';

/** What the console's server says to a person, in both of its languages; `{name}` is filled in. */
const catalog = {
  'host.unknown': {
    en: 'This console does not answer to the name "{host}"; add it to console.hosts in the site file',
    zh: '本控制台不接受主机名"{host}"；请在站点文件的 console.hosts 中添加',
  },
  'auth.wrong-password': { en: 'wrong username or password', zh: '用户名或密码错误' },
  'auth.locked': {
    en: 'this account is locked after repeated failed logins, until {until}; an admin can unlock it',
    zh: '该账户因多次登录失败已被锁定至 {until}；管理员可解锁',
  },
  'auth.totp-required': {
    en: 'enter the 6-digit code from your authenticator app (or a recovery code)',
    zh: '请输入身份验证器中的 6 位动态码（或恢复码）',
  },
  'auth.setup-required': { en: 'finish setting up your account first: {setup}', zh: '请先完成账户设置：{setup}' },
  'auth.no-session': { en: 'not logged in', zh: '未登录' },
  'auth.csrf': { en: 'missing or wrong CSRF token', zh: 'CSRF 令牌缺失或错误' },
  'auth.forbidden': { en: 'role "{role}" may not {permission}', zh: '角色"{role}"无权执行 {permission}' },
  'auth.rate-limited': {
    en: 'too many attempts from this address; try again in {s} s',
    zh: '该地址尝试次数过多，请 {s} 秒后再试',
  },
  'route.unknown': { en: 'no such route', zh: '无此接口' },
  'body.too-large': {
    en: 'the request is larger than this route takes ({limit} bytes)',
    zh: '请求超过该接口允许的大小（{limit} 字节）',
  },
  'range.reversed': { en: 'the start date is after the end date', zh: '开始日期晚于结束日期' },
  'report.month': { en: 'a month report takes a month (YYYY-MM)', zh: '月报表需要月份（YYYY-MM）' },
  'report.day': { en: 'this report takes a day (YYYY-MM-DD)', zh: '该报表需要日期（YYYY-MM-DD）' },
  'store.failing': { en: 'records cannot be committed: {detail}', zh: '记录无法写入存储：{detail}' },
} as const;

export type MessageKey = keyof typeof catalog;
export type Lang = 'zh-CN' | 'en';

/** Chinese first: a browser set to Chinese, or one that names no language, reads Chinese. */
export function requestLang(acceptLanguage: string | undefined): Lang {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase();
  return first?.startsWith('en') ? 'en' : 'zh-CN';
}

export function text(key: MessageKey, lang: Lang, vars: Record<string, string | number> = {}): string {
  const t = catalog[key][lang === 'en' ? 'en' : 'zh'];
  return t.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** An error body: the text in the asker's language, and the key, which the console translates itself. */
export function msg(req: Pick<FastifyRequest, 'headers'>, key: MessageKey, vars: Record<string, string | number> = {}) {
  return { error: text(key, requestLang(req.headers['accept-language']), vars), code: key };
}
