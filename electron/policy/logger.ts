import fs from 'node:fs';
import path from 'node:path';

/**
 * Structured, rotated logs that a hospital IT person can send to support. Fields are limited
 * to short primitive values on purpose: callers log codes, counts and identifiers of things,
 * never names, INS, message bodies or PINs.
 */
export type LogValue = string | number | boolean | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface LogSink {
  write(line: string): void;
}

const MAX_VALUE_LENGTH = 300;

export function formatLogLine(level: LogLevel, event: string, fields: LogFields | undefined, now: Date): string {
  const record: Record<string, LogValue> = { t: now.toISOString(), level, event };
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    record[key] = typeof value === 'string' && value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…` : value;
  }
  return JSON.stringify(record);
}

export function createLogger(sink: LogSink, minLevel: LogLevel = 'info', clock: () => Date = () => new Date()): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const emit = (level: LogLevel) => (event: string, fields?: LogFields) => {
    if (order[level] < order[minLevel]) return;
    sink.write(formatLogLine(level, event, fields, clock()));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Appends to `<dir>/caducee.log`, rolling to `.1` … `.<keep>` past `maxBytes`. */
export function createRotatingFileSink(dir: string, maxBytes = 1_000_000, keep = 5): LogSink {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'caducee.log');
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const rotate = () => {
    for (let i = keep - 1; i >= 1; i -= 1) {
      const from = `${file}.${i}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${file}.${i + 1}`);
    }
    if (fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
    size = 0;
  };
  return {
    write(line) {
      // Logging never throws into the code that logs: a full disk or a folder removed under us
      // (uninstall, a test's cleanup) must not turn a warning into a crash.
      try {
        const bytes = Buffer.byteLength(line) + 1;
        if (size + bytes > maxBytes) rotate();
        if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
        size += bytes;
      } catch {
        // dropped: there is nowhere left to say it
      }
    },
  };
}

export const consoleSink: LogSink = { write: (line) => process.stderr.write(`${line}\n`) };

export function teeSink(...sinks: LogSink[]): LogSink {
  return { write: (line) => sinks.forEach((s) => s.write(line)) };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
