// Decoding the console's base64 payloads (binary-safe) without Node's Buffer.

/** The bytes of a base64 string. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
