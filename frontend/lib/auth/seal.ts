/**
 * Encrypted cookie values: compact JWE (dir + A256GCM) with a key derived from SESSION_SECRET.
 * Tampered, expired or foreign values decrypt to null, never throw.
 */
import { EncryptJWT, jwtDecrypt, type JWTPayload } from "jose";
import type { z } from "zod";

const keys = new Map<string, Promise<Uint8Array>>();

async function deriveKey(secret: string, purpose: string): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new TextEncoder().encode("resonance-cookie-v1"),
      info: new TextEncoder().encode(purpose),
    },
    material,
    256,
  );
  return new Uint8Array(bits);
}

function keyFor(secret: string, purpose: string): Promise<Uint8Array> {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = deriveKey(secret, purpose);
    keys.set(id, key);
  }
  return key;
}

export async function seal(
  payload: Record<string, unknown>,
  secret: string,
  purpose: string,
  maxAgeSeconds: number,
): Promise<string> {
  const key = await keyFor(secret, purpose);
  return new EncryptJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .setExpirationTime(`${Math.max(1, Math.floor(maxAgeSeconds))}s`)
    .setAudience(purpose)
    .encrypt(key);
}

export async function unseal<T>(
  value: string | undefined,
  secret: string,
  purpose: string,
  schema: z.ZodType<T>,
): Promise<T | null> {
  if (!value) return null;
  try {
    const key = await keyFor(secret, purpose);
    const { payload } = await jwtDecrypt(value, key, { audience: purpose });
    const parsed = schema.safeParse(payload);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
