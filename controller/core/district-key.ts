import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The district's signing keys (commands, updates): ed25519, or SM2 with SM3 for sites under
 * commercial-cryptography rules (GB/T 39786). Node's OpenSSL does both; SM2 keys are told apart
 * by their OID, since some Node versions give them no key type of their own.
 */
export type SignatureAlgorithm = 'ed25519' | 'sm2';

const SM2_OID = Buffer.from('06082a811ccf5501822d', 'hex');

export function keyAlgorithm(key: KeyObject): SignatureAlgorithm | null {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType === 'ed25519') return 'ed25519';
  return pub.export({ type: 'spki', format: 'der' }).includes(SM2_OID) ? 'sm2' : null;
}

/** A district public key from PEM; anything but ed25519 or SM2 is refused. */
export function loadDistrictKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (!keyAlgorithm(key))
    throw new Error(`key must be ed25519 or SM2, not ${key.asymmetricKeyType ?? 'an unknown type'}`);
  return key;
}

/** Whether the signature over the data verifies with the key; never throws. */
export function verifyDistrict(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    const alg = keyAlgorithm(key);
    if (alg === 'ed25519') return signature.length === 64 && verify(null, data, key, signature);
    return alg === 'sm2' && signature.length <= 80 && verify('sm3', data, key, signature);
  } catch {
    return false;
  }
}

/** The district's side (command-sign, update-sign, tests). */
export function signDistrict(privateKey: KeyObject, data: Buffer): Buffer {
  const alg = keyAlgorithm(privateKey);
  if (!alg) throw new Error('the signing key must be ed25519 or SM2');
  return sign(alg === 'ed25519' ? null : 'sm3', data, privateKey);
}
