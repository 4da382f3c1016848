import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An upper platform played by Debian's sipp (sip-tester), a SIP implementation this project did
 * not write. Its scenario challenges the first REGISTER with a Digest 401, checks the second
 * with sipp's own digest code (verifyauth) and answers 200 with a Date, or 403; it answers each
 * keepalive MESSAGE (a new Call-ID each, so each is a call of its own) with 200, and the final
 * REGISTER (Expires: 0) with 200. Every message both ways is kept in sipp's message trace.
 */
export function platformScenario(o: {
  username: string;
  password: string;
  realm: string;
  date: string;
  expires: number;
  /** MANSCDP requests the platform sends once the gateway is registered (each after a pause), each answered 200. */
  queries?: (string | { body: string; afterMs: number })[];
  /** Then a live-video call to a channel: INVITE with this SDP, ACK, and BYE after `holdMs`. */
  invite?: { channel: string; sdp: string; afterMs: number; holdMs: number };
}): string {
  const reply = (status: string, extra = '') => `<send><![CDATA[
SIP/2.0 ${status}
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag[call_number]
[last_Call-ID:]
[last_CSeq:]
${extra}Content-Length: 0

]]></send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="GB/T 28181 platform">
  <recv request="MESSAGE" optional="true" next="keepalive" />
  <recv request="REGISTER" />
  ${reply('401 Unauthorized', `WWW-Authenticate: Digest realm="${o.realm}", nonce="[pid]nonce[call_number]", algorithm=MD5\n`)}
  <recv request="REGISTER">
    <action>
      <verifyauth assign_to="authvalid" username="${o.username}" password="${o.password}" />
    </action>
  </recv>
  <nop hide="true" test="authvalid" next="good" />
  ${reply('403 Forbidden')}
  <nop next="end" />
  <label id="good" />
  ${reply('200 OK', `Date: ${o.date}\nExpires: ${o.expires}\n`)}
  ${(o.queries ?? [])
    .map(
      (q, i) => `<pause milliseconds="${typeof q === 'string' ? 300 : q.afterMs}" />
  <send><![CDATA[
MESSAGE sip:${o.username}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:34020000002000000001@${o.realm}>;tag=[pid]q${i}
To: <sip:${o.username}@${o.realm}>
Call-ID: [call_id]
CSeq: ${20 + i} MESSAGE
Content-Type: Application/MANSCDP+xml
Max-Forwards: 70
Content-Length: [len]

${typeof q === 'string' ? q : q.body}
]]></send>
  <recv response="200" />`,
    )
    .join('\n  ')}
  ${o.invite ? inviteFlow(o.username, o.realm, o.invite) : ''}
  <recv request="REGISTER" />
  ${reply('200 OK')}
  <nop next="end" />
  <label id="keepalive" />
  ${reply('200 OK')}
  <label id="end" />
</scenario>
`;
}

/** A platform's live-video call, as GB/T 28181 §9.2 has it: INVITE with SDP, 100 and 200 back, ACK, and BYE when done. */
function inviteFlow(
  gateway: string,
  realm: string,
  c: { channel: string; sdp: string; afterMs: number; holdMs: number },
): string {
  const head = (method: string, cseq: number) => `${method} sip:${c.channel}@${realm} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:34020000002000000001@${realm}>;tag=[pid]inv
To: <sip:${c.channel}@${realm}>${method === 'INVITE' ? '' : ';[$gwtag]'}
Call-ID: [call_id]
CSeq: ${cseq} ${method}
Max-Forwards: 70`;
  return `<pause milliseconds="${c.afterMs}" />
  <send><![CDATA[
${head('INVITE', 30)}
Contact: <sip:34020000002000000001@[local_ip]:[local_port]>
Subject: ${c.channel}:0100000001,${gateway}:0
Content-Type: APPLICATION/SDP
Content-Length: [len]

${c.sdp}
]]></send>
  <recv response="100" optional="true" />
  <recv response="200">
    <action>
      <ereg regexp="tag=[0-9a-f]+" search_in="hdr" header="To:" assign_to="gwtag" />
    </action>
  </recv>
  <send><![CDATA[
${head('ACK', 30)}
Content-Length: 0

]]></send>
  <pause milliseconds="${c.holdMs}" />
  <send><![CDATA[
${head('BYE', 31)}
Content-Length: 0

]]></send>
  <recv response="200" />`;
}

export class SippPlatform {
  private child: ChildProcess | null = null;
  readonly trace: string;

  constructor(
    private readonly dir: string,
    readonly port: number,
    /** TCP: sipp listens and takes the gateway's connection (-t t1, one socket for the call). */
    private readonly transport: 'udp' | 'tcp' = 'udp',
  ) {
    this.trace = join(dir, `sipp-${port}-messages.log`);
  }

  /** `extra`: more of sipp's options (its media port and RTP echo, for a call with audio). */
  start(scenario: string, extra: string[] = []): Promise<void> {
    const file = join(this.dir, `platform-${this.port}.xml`);
    writeFileSync(file, scenario);
    this.child = spawn(
      'sipp',
      [
        '-sf',
        file,
        '-i',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-nostdin',
        '-t',
        this.transport === 'tcp' ? 't1' : 'u1',
        '-trace_msg',
        '-message_file',
        this.trace,
        '-trace_err',
        '-error_file',
        `${this.trace}.errors`,
        '-timeout',
        '120s',
        ...extra,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child.stderr?.on('data', (d) => process.stderr.write(`sipp: ${d}`));
    // sipp is listening once it has bound its port; it writes its trace file from then on.
    return new Promise((resolve) => setTimeout(resolve, 600));
  }

  /** Every message sipp received, as text. */
  received(): string[] {
    let text = '';
    try {
      text = readFileSync(this.trace, 'latin1');
    } catch {
      return [];
    }
    return text
      .split(/-{10,} [^\n]*\n/)
      .filter((b) => /^(UDP|TCP) message received/.test(b))
      .map((b) => b.replace(/^[^\n]*received[^\n]*\n\s*/, ''));
  }

  /** Resolves with sipp's exit code: 0 when its scenario ran to the end, every check passed. */
  exited(): Promise<number | null> {
    const c = this.child;
    if (!c || c.exitCode !== null) return Promise.resolve(c?.exitCode ?? null);
    return new Promise((resolve) => c.once('exit', (code) => resolve(code)));
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}
