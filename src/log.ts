/**
 * Structured JSON logs, one object per line. Every string that passes through is scrubbed of
 * 13-digit national IDs (PDPA): a log line never carries one unmasked.
 */
import type { LogLevel } from './config.ts';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

// 13 digits, optionally grouped 1-4-5-2-1 with dashes or spaces, not inside a longer number.
const NATIONAL_ID = /(?<!\d)(\d)[- ]?(\d{4})[- ]?(\d{5})[- ]?(\d{2})[- ]?(\d)(?!\d)/g;

/** `1-2345-xxxxx-xx-1`: the first five and the last digit stay, as on SSO's own letters. */
export function maskNationalIds(text: string): string {
  return text.replace(
    NATIONAL_ID,
    (_m, a: string, b: string, _c, _d, e: string) => `${a}-${b}-xxxxx-xx-${e}`,
  );
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskNationalIds(value);
  if (value instanceof Error) {
    return { name: value.name, message: maskNationalIds(value.message) };
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

export type LogSink = (line: string, level: Exclude<LogLevel, 'silent'>) => void;

const defaultSink: LogSink = (line, level) => {
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
};

export function createLogger(
  level: LogLevel,
  sink: LogSink = defaultSink,
  base: Record<string, unknown> = {},
): Logger {
  const min = ORDER[level];
  const emit = (
    lvl: Exclude<LogLevel, 'silent'>,
    msg: string,
    fields?: Record<string, unknown>,
  ) => {
    if (ORDER[lvl] < min) return;
    const record = scrub({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields });
    sink(JSON.stringify(record), lvl);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/**
 * A logger whose records another logger writes: a processing thread's (its records cross to the
 * main thread's logger, which scrubs and writes them). Below `level` nothing is forwarded.
 */
export function createForwardingLogger(
  level: LogLevel,
  forward: (
    lvl: Exclude<LogLevel, 'silent'>,
    msg: string,
    fields?: Record<string, unknown>,
  ) => void,
): Logger {
  const min = ORDER[level];
  const emit =
    (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[lvl] >= min) forward(lvl, msg, fields);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * Caps a log line that outsiders can cause at will (a forged webhook's warning): per window of
 * `windowMs`, the first `max` lines are written, the rest only counted. The count goes out as
 * `suppressed: N` (and `suppressedSince`, the time of the first held back) on the first line
 * written in a later window, or in one summary line when a timer a window after the first one
 * held back finds it unreported (the flood stopped; where timers outlive a request: Node).
 * State is per limiter, so per process (per isolate on Workers).
 */
export interface LogLimiter {
  /** Writes `msg` through `log` unless this window's allowance is spent. */
  warn(log: Logger, now: number, msg: string, fields?: Record<string, unknown>): void;
}

export function createLogLimiter(options: { max: number; windowMs: number }): LogLimiter {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let suppressed = 0;
  let suppressedSince = 0;
  let generation = 0;
  let lastMsg = '';
  const report = (): Record<string, unknown> => {
    if (suppressed === 0) return {};
    const out = { suppressed, suppressedSince: new Date(suppressedSince).toISOString() };
    suppressed = 0;
    return out;
  };
  return {
    warn(log, now, msg, fields) {
      if (now - windowStart >= options.windowMs || now < windowStart) {
        windowStart = now;
        written = 0;
        generation += 1;
      }
      if (written < options.max) {
        written += 1;
        log.warn(msg, { ...fields, ...report() });
        return;
      }
      if (suppressed === 0) {
        suppressedSince = now;
        lastMsg = msg;
        // The summary when no later line carries it (the flood stopped). Best effort: a
        // Workers isolate may not live that long, and the next line written carries it anyway.
        const mine = generation;
        try {
          const timer = setTimeout(() => {
            if (generation === mine && suppressed > 0) {
              log.warn(`${lastMsg} (repeats suppressed)`, report());
            }
          }, options.windowMs);
          (timer as { unref?: () => void }).unref?.();
        } catch {
          // no timers here: the next line written reports the count
        }
      }
      suppressed += 1;
    },
  };
}
