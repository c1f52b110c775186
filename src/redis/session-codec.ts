import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { isSendableToken } from '../core.js';

/** A session as the fleet shares it; times are ms since the epoch. */
export interface SharedSession {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const SEALED = 'aes-256-gcm:';

const isSharedSession = (value: unknown): value is SharedSession => {
  const s = value as Record<string, unknown> | null;
  return typeof s === 'object' && s !== null && isSendableToken(s['accessToken']) && (typeof s['refreshToken'] === 'string' || s['refreshToken'] === null) &&
    Number.isFinite(s['issuedAt']) && Number.isFinite(s['expiresAt']);
};

/**
 * How a session is written to Redis: JSON, or with `encryptionKey`,
 * AES-256-GCM (a key derived with HKDF-SHA256, a random 12-byte IV per
 * write, the Redis key as associated data so that a value cannot be moved
 * to another key). A value that does not decode (another key, tampering,
 * plain JSON while a key is set, an access token that cannot be sent in a
 * header) reads as no session.
 */
export function sessionCodec(encryptionKey: string | Uint8Array | undefined, associatedData: string) {
  if (encryptionKey !== undefined && !((typeof encryptionKey === 'string' || encryptionKey instanceof Uint8Array) && encryptionKey.length >= 16)) {
    throw new TypeError('"encryptionKey" option must be a string or Uint8Array of at least 16 characters or bytes (32 random bytes recommended)');
  }
  const key = encryptionKey === undefined ? null : Buffer.from(hkdfSync('sha256', encryptionKey, '', 'rx-bearer/redis session', 32));
  const aad = Buffer.from(associatedData);

  return {
    encode(session: SharedSession): string {
      const json = JSON.stringify(session);
      if (!key) return json;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      const sealed = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
      return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    decode(text: unknown): SharedSession | null {
      if (typeof text !== 'string') return null;
      try {
        let json = text;
        if (key) {
          if (!text.startsWith(SEALED)) return null;
          const bytes = Buffer.from(text.slice(SEALED.length), 'base64');
          const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(aad);
          decipher.setAuthTag(bytes.subarray(12, 28));
          json = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
        }
        const session: unknown = JSON.parse(json);
        return isSharedSession(session) ? session : null;
      } catch {
        return null;
      }
    },
  };
}
