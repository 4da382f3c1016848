import onvif from 'onvif';

export interface DiscoveredCamera {
  urn: string;
  xaddrs: string[];
  name: string | null;
  hardware: string | null;
  location: string | null;
  types: string;
}

interface ProbeMatch {
  probeMatches: {
    probeMatch: {
      endpointReference: { address: string };
      XAddrs: string;
      scopes?: string | { _?: string };
      types?: string | { _?: string };
    };
  };
}

const text = (v: string | { _?: string } | undefined) => (typeof v === 'string' ? v : (v?._ ?? ''));

/** What an ONVIF scope says, e.g. `onvif://www.onvif.org/name/Gate%20Camera`. */
function scope(scopes: string[], key: string): string | null {
  const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${key}/`));
  return s ? decodeURIComponent(s.slice(`onvif://www.onvif.org/${key}/`.length)) : null;
}

/** WS-Discovery probe for commissioning: every ONVIF device that answers within the timeout. */
export function discoverCameras(timeoutMs: number): Promise<DiscoveredCamera[]> {
  const probe = (
    onvif as unknown as { Discovery: { probe(o: object, cb: (err: unknown, cams: ProbeMatch[]) => void): void } }
  ).Discovery.probe;
  return new Promise((resolve, reject) =>
    probe({ timeout: timeoutMs, resolve: false }, (err, cams) => {
      // A stray non-ONVIF answer is reported as an error beside the real matches: keep the matches.
      if (err && !cams?.length) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      resolve(
        cams.map((c) => {
          const m = c.probeMatches.probeMatch;
          const scopes = text(m.scopes).split(/\s+/).filter(Boolean);
          return {
            urn: m.endpointReference.address,
            xaddrs: m.XAddrs.split(/\s+/).filter(Boolean),
            name: scope(scopes, 'name'),
            hardware: scope(scopes, 'hardware'),
            location: scope(scopes, 'location'),
            types: text(m.types),
          };
        }),
      );
    }),
  );
}
