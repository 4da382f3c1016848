import { createPublicKey, type KeyObject } from 'node:crypto';

/** A district public key (updates, commands) from PEM; anything but ed25519 is refused. */
export function loadEd25519Key(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`key must be ed25519, not ${key.asymmetricKeyType}`);
  return key;
}
