/**
 * Everything the server says to a person, in both of the console's languages. A message
 * travels as its key and parameters (`code`, `params`): the console translates it into the
 * language it shows, the district reads the key, and `error` carries the English text (or the
 * asker's language over HTTP) for whoever reads the raw answer. `{name}` is filled in.
 */
export const CATALOG = {
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
  'body.not-finite': { en: '{field}: numbers must be finite', zh: '{field}：数值必须为有限数' },
  'invalid.required': { en: '{field} is required', zh: '缺少 {field}' },
  'invalid.enum': { en: '{field} must be one of {allowed}', zh: '{field} 只能是 {allowed} 之一' },
  'invalid.pattern': { en: '{field} is not in the expected form', zh: '{field} 格式不正确' },
  'invalid.too-long': { en: '{field} must be at most {limit} long', zh: '{field} 最长 {limit}' },
  'invalid.too-short': { en: '{field} must be at least {limit} long', zh: '{field} 最短 {limit}' },
  'invalid.too-big': { en: '{field} must be at most {limit}', zh: '{field} 不能大于 {limit}' },
  'invalid.too-small': { en: '{field} must be at least {limit}', zh: '{field} 不能小于 {limit}' },
  'invalid.type': { en: '{field} must be a {type}', zh: '{field} 类型应为 {type}' },
  'invalid.unknown-field': { en: 'unknown field {field}', zh: '未知字段 {field}' },
  'invalid.other': { en: '{field}: {detail}', zh: '{field}：{detail}' },
  'internal.error': { en: 'internal error; the log has the details', zh: '内部错误，详情见日志' },
  'store.failing': { en: 'records cannot be committed: {detail}', zh: '记录无法写入存储：{detail}' },
  'range.reversed': { en: 'the start date is after the end date', zh: '开始日期晚于结束日期' },
  'report.month': { en: 'a month report takes a month (YYYY-MM)', zh: '月报表需要月份（YYYY-MM）' },
  'report.day': { en: 'this report takes a day (YYYY-MM-DD)', zh: '该报表需要日期（YYYY-MM-DD）' },
  'csv.not-csv': { en: 'send the file as text/csv', zh: '请以 text/csv 上传文件' },
  'csv.problems': { en: '{n} problem(s) in the file', zh: '文件中有 {n} 处问题' },
  'csv.empty': { en: 'the file has no cardholders', zh: '文件中没有人员' },
  'not-found.camera': { en: 'no camera "{id}"', zh: '无此摄像机"{id}"' },
  'camera.snapshot-failed': { en: 'the camera sent no picture: {detail}', zh: '摄像机未返回图像：{detail}' },
  'not-found.snapshot': { en: 'no such snapshot', zh: '无此抓图' },
  'not-found.clip': { en: 'no such clip', zh: '无此录像片段' },
  'bad-range': { en: 'the requested byte range is outside the file', zh: '请求的字节范围超出文件' },

  'command.unknown': { en: 'unknown command "{name}"', zh: '未知指令"{name}"' },
  'command.not-from': { en: '"{name}" is not accepted from {from}', zh: '不接受来自 {from} 的指令"{name}"' },
  'command.forbidden': {
    en: '"{name}" needs the {permission} permission',
    zh: '指令"{name}"需要 {permission} 权限',
  },
  'command.invalid': { en: 'invalid arguments: {detail}', zh: '指令参数无效：{detail}' },
  'command.failed': { en: 'failed: {detail}', zh: '执行失败：{detail}' },

  'alarm.not-waiting': { en: 'no unacknowledged open alarm {id}', zh: '无待确认的报警 {id}' },
  'gate.unknown': { en: 'no gate "{gate}"', zh: '无此闸机"{gate}"' },
  'gate.no-board': { en: 'gate {gate} has no relay board', zh: '闸机 {gate} 无继电器板' },
  'gate.not-opened': { en: 'gate {gate} did not open: {detail}', zh: '闸机 {gate} 未打开：{detail}' },
  'gate.mode-failed': { en: 'gate {gate} did not take the mode: {detail}', zh: '闸机 {gate} 未切换模式：{detail}' },
  'cardholder.unknown': { en: 'no cardholder "{id}"', zh: '无此人员"{id}"' },
  'cardholder.card-taken': {
    en: '{n} card(s) belong to someone else, e.g. card {card} of {id} is held by {holder}: nothing imported',
    zh: '{n} 张卡已属于他人，例如 {id} 的卡 {card} 属于 {holder}：未导入任何记录',
  },
  'allowlist.stale-base': {
    en: 'delta is based on version {base}, this gateway has {current}: send a full resync',
    zh: '增量基于版本 {base}，本网关为版本 {current}：请发送全量同步',
  },
  'allowlist.not-newer': {
    en: 'version {version} is not newer than {current}',
    zh: '版本 {version} 不比 {current} 新',
  },
  'reader.unknown': { en: 'no OSDP reader "{id}"', zh: '无此 OSDP 读卡器"{id}"' },
  'reader.keyset-failed': { en: '{id}: the key was not set: {detail}', zh: '{id}：密钥未设置：{detail}' },
  'camera.unknown': { en: 'no camera "{id}"', zh: '无此摄像机"{id}"' },
  'camera.preset-needed': { en: 'a preset token is needed', zh: '请选择预置位' },
  'camera.ptz-failed': {
    en: '{id}: the camera refused the move: {detail}',
    zh: '{id}：摄像机未执行云台操作：{detail}',
  },
  'pa.text-needed': { en: 'text-to-speech needs text', zh: '语音合成需要文字' },
  'pa.sound-needed': { en: 'a sound name is needed', zh: '请选择声音文件' },
  'pa.no-output': { en: 'no PA audio output', zh: '无广播音频输出' },
  'pa.no-live-input': { en: 'the live audio is no longer there', zh: '实时音频已不存在' },
  'pa.schedule-invalid': { en: 'the bell schedule has problems: {detail}', zh: '作息铃声有误：{detail}' },
  'pa.schedule-unknown': { en: 'no bell schedule "{id}"', zh: '无此作息表"{id}"' },
  'button.unknown': { en: 'no emergency button "{id}"', zh: '无此一键报警按钮"{id}"' },
  'button.not-latched': { en: 'no latched alarm on "{id}"', zh: '按钮"{id}"无锁定报警' },
  'talkback.no-call': { en: 'the alarm has no call up', zh: '该报警当前没有通话' },
  'zone.unknown': { en: 'no zone "{id}"', zh: '无此防区"{id}"' },
  'zone.bypass-reason': { en: 'a bypass needs a reason', zh: '旁路须填写原因' },
  'output.unknown': { en: 'no alarm output "{id}"', zh: '无此报警输出"{id}"' },
  'output.failed': { en: '{name} did not switch: {detail}', zh: '{name}未能切换：{detail}' },
  'linkage.timeout': { en: 'no result within {s} s', zh: '{s} 秒内无结果' },
  'linkage.no-prealarm': {
    en: 'no pre-alarm video on this site (video.prealarm)',
    zh: '本站未启用报警前录像（video.prealarm）',
  },
  'linkage.popup': { en: 'shown on the consoles', zh: '已在控制台弹出' },
  'linkage.district': { en: 'sent to the district', zh: '已通知区平台' },
  'step.no-gates': { en: 'no gates configured', zh: '未配置闸机' },
  'step.no-boards': { en: 'no class boards configured', zh: '未配置电子班牌' },
  'step.no-pa-zones': { en: 'no PA zones configured', zh: '未配置广播分区' },
  'step.boards-connected': { en: '{n} boards connected', zh: '{n} 块班牌在线' },
  'step.pa-playing': { en: 'playing', zh: '正在播放' },
  'step.pa-queued': { en: 'queued behind another announcement', zh: '排队等待其他广播' },
  'step.pa-stopped': { en: 'stopped', zh: '已停止' },
  'step.pa-dropped': { en: 'not played: the PA refused the announcement', zh: '未播放：广播系统拒绝了该广播' },
  'test.gate-pulsed': { en: 'the relay board pulsed the gate', zh: '继电器板已驱动闸机开启' },
  'test.reader-signalled': {
    en: 'green LED and beep sent: look and listen at the reader',
    zh: '已发送绿灯和蜂鸣：请在读卡器处确认',
  },
  'test.reader-no-feedback': { en: 'this reader takes no LED or beep commands', zh: '该读卡器不支持灯光和蜂鸣控制' },
  'test.snapshot': {
    en: 'a {kb} KB picture came back: check it shows the right place',
    zh: '收到 {kb} KB 图像：请确认画面位置正确',
  },
  'test.pa-ringing': { en: 'a chime is playing in {zone}: listen there', zh: '{zone} 正在播放提示音：请到现场确认' },
  'test.pa-queued': { en: 'the chime waits behind another broadcast', zh: '提示音正在等待其他广播结束' },
  'test.pa-dropped': { en: 'the PA refused the chime: {detail}', zh: '广播系统拒绝播放提示音：{detail}' },
  'test.sensor-read': { en: 'read {values}', zh: '读数 {values}' },
  'test.sensor-stale': {
    en: 'no good reading in the last {s} s (three polls)',
    zh: '最近 {s} 秒（三个轮询周期）内无有效读数',
  },
  'test.board-connected': { en: '{n} screen(s) connected', zh: '{n} 块屏幕在线' },
  'test.board-none': { en: 'no screen of this board is connected', zh: '该班牌没有屏幕在线' },
  'test.no-capability': { en: '{device} cannot be tested this way: {detail}', zh: '{device} 无法这样测试：{detail}' },
  'test.unknown-device': { en: 'no device "{device}" in the site file', zh: '站点文件中无设备"{device}"' },
  'test.unknown': { en: 'no test {id}', zh: '无此测试记录 {id}' },
  'plan.not-image': {
    en: 'a plan must be a PNG, JPEG or WebP picture of at most 20 000 px a side',
    zh: '平面图须为 PNG、JPEG 或 WebP 图片，边长不超过 20000 像素',
  },
  'plan.unknown': { en: 'no plan {id}', zh: '无此平面图 {id}' },
  'plan.unknown-device': { en: 'no device "{device}" in the site file', zh: '站点文件中无设备"{device}"' },
  'plan.duplicate-device': { en: '{device} is placed twice', zh: '{device} 被放置了两次' },
  'scenario.failed': { en: 'the scenario did not run: {detail}', zh: '预案未执行：{detail}' },
  'user.name-invalid': {
    en: 'username: 2 to 32 letters (Chinese too), digits or . _ -',
    zh: '用户名为 2 至 32 个字（可用汉字）、字母、数字或 . _ -',
  },
  'user.exists': { en: 'user "{username}" exists', zh: '用户"{username}"已存在' },
  'user.unknown': { en: 'no user "{username}"', zh: '无此用户"{username}"' },
  'user.own-role': { en: 'you cannot change your own role', zh: '不能修改自己的角色' },
  'user.own-disable': { en: 'you cannot disable your own account', zh: '不能停用自己的账户' },
  'user.wrong-current': { en: 'the current password is wrong', zh: '当前密码错误' },
  'user.password-reused': {
    en: 'the new password must differ from the last {n}',
    zh: '新密码不能与最近 {n} 个密码相同',
  },
  'user.totp-not-started': { en: 'start the enrolment first', zh: '请先开始绑定' },
  'user.totp-mismatch': {
    en: "that code does not match: check the phone's clock and try the next one",
    zh: '动态码不匹配：请检查手机时间后重试',
  },
  'password.short': { en: 'password must be at least 10 characters', zh: '密码至少 10 个字符' },
  'password.long': { en: 'password must be at most 256 characters', zh: '密码最多 256 个字符' },
  'password.classes': {
    en: 'password must mix three of: lower case, upper case, digits, other characters',
    zh: '密码须包含小写、大写、数字、其他字符中的三类',
  },
  'key.same': { en: 'the new key cannot be the one it retires', zh: '新密钥不能与被替换的密钥相同' },
  'key.unknown': { en: 'no trusted key {fingerprint}', zh: '无此受信任密钥 {fingerprint}' },
  'key.last': {
    en: 'the last trusted key cannot be revoked: add its successor first (command-key.replace)',
    zh: '不能吊销最后一个受信任密钥：请先添加新密钥（command-key.replace）',
  },
  'key.invalid': { en: 'publicKey: {detail}', zh: '公钥无效：{detail}' },
  'update.not-installed': {
    en: 'updates need an installed gateway (A/B slots); this controller runs from {path}',
    zh: '升级需要已安装的网关（A/B 分区）；本控制器运行于 {path}',
  },
  'update.no-key': {
    en: 'no update key is configured (update.public_key in the site file)',
    zh: '未配置升级密钥（站点文件的 update.public_key）',
  },
  'update.on-trial': {
    en: 'the running build is still on trial; update again once it is confirmed',
    zh: '当前版本仍在试运行，确认后再升级',
  },
  'update.refused': { en: 'update refused: {detail}', zh: '升级被拒绝：{detail}' },
  'update.no-transfer': { en: 'no chunked update in progress for that sha256', zh: '该 sha256 无进行中的分块升级' },
  'update.offset': {
    en: 'expected the chunk at offset {expected}, got {got}',
    zh: '应为偏移 {expected} 的分块，收到 {got}',
  },
  'update.overrun': { en: 'chunk overruns the manifest size; update abandoned', zh: '分块超出清单大小，升级已放弃' },
} as const;

export type MessageKey = keyof typeof CATALOG;
export type MessageParams = Record<string, string | number>;
export type MessageLang = 'zh-CN' | 'en';

export function text(key: MessageKey, lang: MessageLang, params: MessageParams = {}): string {
  const entry = CATALOG[key];
  const t = lang === 'en' ? entry.en : entry.zh;
  return t.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

export const isMessageKey = (code: unknown): code is MessageKey =>
  typeof code === 'string' && Object.hasOwn(CATALOG, code);

/** A failure a person reads: its key and parameters travel with it, and each reader translates. */
export class CodedError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly params: MessageParams = {},
  ) {
    super(text(code, 'en', params));
  }
}
