/**
 * A stable X-Line-Retry-Key for a purpose (e.g. `reply:<webhookEventId>`): the same input
 * always gives the same UUID, so a push repeated after a crash or a timeout is accepted by LINE
 * once and answered 409 after that.
 * https://developers.line.biz/en/docs/messaging-api/retrying-api-request/
 */
export async function stableRetryKey(purpose: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(purpose)),
  );
  const b = digest.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40; // UUID version 4 layout (LINE checks the format only)
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
