import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

export interface Advertised {
  urn: string;
  xaddr: string;
  name: string;
  hardware: string;
  location: string;
}

/**
 * The WS-Discovery side of simulated cameras: joins 239.255.255.250:3702 and
 * answers each Probe with a ProbeMatch per camera. Only ever run inside a
 * network namespace of the test's own: multicast must not reach real networks.
 */
export class WsDiscoveryResponder {
  private socket: Socket | null = null;
  probes = 0;

  constructor(
    private readonly cameras: Advertised[],
    private readonly iface = '127.0.0.1',
  ) {}

  start(): Promise<void> {
    const s = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = s;
    s.on('message', (msg, rinfo) => {
      const xml = msg.toString();
      const id = /<(?:\w+:)?MessageID[^>]*>([^<]+)</.exec(xml)?.[1];
      if (!/<(?:\w+:)?Probe[\s>]/.test(xml) || !id) return;
      this.probes++;
      for (const c of this.cameras) {
        const reply = Buffer.from(probeMatch(id, c));
        s.send(reply, rinfo.port, rinfo.address);
      }
    });
    return new Promise((resolve) =>
      s.bind(3702, () => {
        s.addMembership('239.255.255.250', this.iface);
        resolve();
      }),
    );
  }

  stop(): void {
    this.socket?.close();
  }
}

function probeMatch(relatesTo: string, c: Advertised): string {
  const scopes = [
    `onvif://www.onvif.org/name/${encodeURIComponent(c.name)}`,
    `onvif://www.onvif.org/hardware/${encodeURIComponent(c.hardware)}`,
    `onvif://www.onvif.org/location/${encodeURIComponent(c.location)}`,
    'onvif://www.onvif.org/Profile/Streaming',
  ].join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID><wsa:RelatesTo>${relatesTo}</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>${c.urn}</wsa:Address></wsa:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>${scopes}</d:Scopes><d:XAddrs>${c.xaddr}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}
