/**
 * LINE calls of the processing threads, made by the main thread. A thread's `deps.line` is a
 * relay: each call crosses to the main thread (one HTTP client, one keep-alive pool, the
 * thread's CPU left to NLU, handlers and the database) and its result or error comes back.
 * Errors are rebuilt as the classes the dispatcher tells apart (`LineApiError` with status
 * and request id, `MessageLimitError` with its violations).
 */
import { LineApiError, type LineClient } from '../line/client.ts';
import { MessageLimitError } from '../line/limits.ts';

export type LineMethod = keyof LineClient;

/** Thread → main: a call. */
export interface LineCall {
  call: number;
  method: LineMethod;
  args: unknown[];
}

type WireError =
  | { kind: 'line'; message: string; status: number; requestId: string | null; body: string }
  | { kind: 'limit'; violations: string[] }
  | { kind: 'other'; message: string };

/** Main → thread: its answer. */
export type LineAnswer = { call: number; value: unknown } | { call: number; error: WireError };

export function isLineCall(msg: unknown): msg is LineCall {
  return typeof msg === 'object' && msg !== null && 'call' in msg && 'method' in msg;
}

export function isLineAnswer(msg: unknown): msg is LineAnswer {
  return typeof msg === 'object' && msg !== null && 'call' in msg && !('method' in msg);
}

/** Main thread: runs one relayed call on the real client; never throws. */
export async function answerLineCall(line: LineClient, msg: LineCall): Promise<LineAnswer> {
  try {
    const fn = line[msg.method] as (...args: unknown[]) => Promise<unknown>;
    return { call: msg.call, value: await fn.apply(line, msg.args) };
  } catch (err) {
    return { call: msg.call, error: toWire(err) };
  }
}

function toWire(err: unknown): WireError {
  if (err instanceof LineApiError) {
    return {
      kind: 'line',
      message: err.message,
      status: err.status,
      requestId: err.requestId,
      body: err.body,
    };
  }
  if (err instanceof MessageLimitError) return { kind: 'limit', violations: err.violations };
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}

function fromWire(e: WireError): Error {
  if (e.kind === 'line') return new LineApiError(e.message, e.status, e.requestId, e.body);
  if (e.kind === 'limit') return new MessageLimitError(e.violations);
  return new Error(e.message);
}

/** Processing thread: a LineClient whose calls `send` posts to the main thread. */
export function createLineRelay(send: (msg: LineCall) => void): {
  client: LineClient;
  onAnswer(msg: LineAnswer): void;
} {
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const relay =
    (method: LineMethod) =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const call = ++next;
        waiting.set(call, { resolve, reject });
        send({ call, method, args });
      });
  const client = {
    reply: relay('reply'),
    push: relay('push'),
    multicast: relay('multicast'),
    broadcast: relay('broadcast'),
    getProfile: relay('getProfile'),
    issueLinkToken: relay('issueLinkToken'),
    getMessageQuota: relay('getMessageQuota'),
    getMessageConsumption: relay('getMessageConsumption'),
  } as LineClient;
  return {
    client,
    onAnswer(msg) {
      const w = waiting.get(msg.call);
      if (!w) return;
      waiting.delete(msg.call);
      if ('error' in msg) w.reject(fromWire(msg.error));
      else w.resolve(msg.value);
    },
  };
}
