// Seals secrets this server must be able to read back (target tokens, signing secrets) with
// AES-256-GCM under a key derived from SYNC_SECRET_KEY (or ADMIN_TOKEN). A leaked database
// alone does not reveal them; tokens other servers present to us are only hashed.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { BadRequestError } from '../../errors.js';

const VERSION = 'v1';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const keyCache = new Map<string, Buffer>();

function deriveKey(material: string): Buffer {
  let key = keyCache.get(material);
  if (!key) {
    // A fixed salt is fine: the input is a server secret, not a user password.
    key = scryptSync(material, 'wikisync-instance-sync-secret-box', 32);
    keyCache.set(material, key);
  }
  return key;
}

export function createSecretBox(material: string | undefined): SecretBox {
  const need = () =>
    new BadRequestError(
      'This server has no key to store secrets with; set SYNC_SECRET_KEY (or ADMIN_TOKEN) and restart it.',
    );
  return {
    seal(plain) {
      if (!material) throw need();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', deriveKey(material), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      if (!material) throw need();
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined)
        throw new BadRequestError('A stored secret is unreadable; save it again.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', deriveKey(material), Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new BadRequestError(
          'A stored secret cannot be opened with the current SYNC_SECRET_KEY; save it again.',
        );
      }
    },
  };
}
