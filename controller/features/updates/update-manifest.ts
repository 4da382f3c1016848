import { verifyDistrict } from '../../core/district-key.ts';
import type { KeyObject } from 'node:crypto';
import { Ajv } from 'ajv';

/** What the district signs for one build. Sent as the exact JSON text that was signed. */
export interface UpdateManifest {
  version: string;
  arch: 'x64' | 'arm64';
  size: number;
  sha256: string;
}

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile<UpdateManifest>({
  type: 'object',
  required: ['version', 'arch', 'size', 'sha256'],
  additionalProperties: false,
  properties: {
    version: { type: 'string', pattern: '^[0-9A-Za-z.+-]{1,64}$' },
    arch: { enum: ['x64', 'arm64'] },
    size: { type: 'integer', minimum: 1 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
});

export type ManifestCheck = { ok: true; manifest: UpdateManifest } | { ok: false; error: string };

/**
 * Checks a manifest's signature (ed25519 or SM2) before anything in it is trusted, then its shape,
 * architecture and size. Never throws.
 */
export function checkManifest(
  text: string,
  signatureB64: string,
  key: KeyObject,
  arch: string,
  maxBytes: number,
): ManifestCheck {
  if (!verifyDistrict(key, Buffer.from(text, 'utf8'), Buffer.from(signatureB64, 'base64')))
    return { ok: false, error: 'manifest signature does not verify with the district update key' };
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return { ok: false, error: 'manifest is not JSON' };
  }
  if (!validate(manifest))
    return { ok: false, error: `invalid manifest: ${ajv.errorsText(validate.errors, { dataVar: 'manifest' })}` };
  if (manifest.arch !== arch) return { ok: false, error: `build is for ${manifest.arch}, this gateway is ${arch}` };
  if (manifest.size > maxBytes)
    return { ok: false, error: `build is ${manifest.size} bytes, over the limit of ${maxBytes}` };
  return { ok: true, manifest };
}
