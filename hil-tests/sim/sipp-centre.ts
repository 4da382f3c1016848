/**
 * A police alarm centre that asks for digest authentication, played by sipp: the first INVITE is
 * challenged with a 401 (sipp's verifyauth reads Authorization, not a proxy's), the second is
 * checked with sipp's own digest code and answered 200
 * with G.711 A-law, or 403; the centre then waits for the gateway's BYE. Run with -rtp_echo, the
 * centre sends back the audio it gets, so the gateway hears it.
 */
export function centreScenario(o: { username: string; password: string; realm: string }): string {
  const reply = (status: string, extra = '', body = '') => `<send><![CDATA[
SIP/2.0 ${status}
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag[call_number]
[last_Call-ID:]
[last_CSeq:]
${extra}Content-Length: ${body ? '[len]' : '0'}

${body}]]></send>`;
  const sdp = `v=0
o=centre 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8
a=rtpmap:8 PCMA/8000
`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="alarm centre with digest">
  <recv request="INVITE" />
  ${reply('401 Unauthorized', `WWW-Authenticate: Digest realm="${o.realm}", nonce="[pid]n[call_number]", algorithm=MD5\n`)}
  <recv request="ACK" />
  <recv request="INVITE">
    <action>
      <verifyauth assign_to="authvalid" username="${o.username}" password="${o.password}" />
    </action>
  </recv>
  <nop hide="true" test="authvalid" next="good" />
  ${reply('403 Forbidden')}
  <recv request="ACK" next="end" />
  <label id="good" />
  ${reply('200 OK', 'Contact: <sip:110@[local_ip]:[local_port]>\nContent-Type: application/sdp\n', sdp)}
  <recv request="ACK" />
  <recv request="BYE" />
  ${reply('200 OK')}
  <label id="end" />
</scenario>
`;
}
