import { randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random token for operator actions: 32 bytes, URL-safe. */
export function newActionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Whether an Authorization header carries `Bearer <token>`; compared in constant time. */
export function carriesToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
