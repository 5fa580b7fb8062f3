import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, createRotatingFileSink, formatLogLine } from './logger.js';

describe('logger', () => {
  it('writes one JSON object per line and truncates long values', () => {
    const line = formatLogLine('warn', 'ipc.invalid-input', { method: 'x', long: 'a'.repeat(1000), skip: undefined }, new Date(0));
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record).toMatchObject({ t: '1970-01-01T00:00:00.000Z', level: 'warn', event: 'ipc.invalid-input', method: 'x' });
    expect(String(record['long']).length).toBeLessThan(310);
    expect('skip' in record).toBe(false);
  });

  it('drops records under the minimum level', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) }, 'warn');
    log.info('x');
    log.error('y');
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['y']);
  });

  it('rotates files past the size limit and keeps a bounded number', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-log-'));
    const log = createLogger(createRotatingFileSink(dir, 200, 2));
    for (let i = 0; i < 50; i += 1) log.info('tick', { i });
    expect(fs.readdirSync(dir).sort()).toEqual(['caducee.log', 'caducee.log.1', 'caducee.log.2']);
    expect(fs.statSync(path.join(dir, 'caducee.log')).size).toBeLessThanOrEqual(200);
  });

  it('never throws into the caller: a removed folder is made again, an unwritable one drops the line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-log-'));
    const logs = path.join(dir, 'logs');
    const log = createLogger(createRotatingFileSink(logs));
    fs.rmSync(logs, { recursive: true });
    expect(() => log.error('after.cleanup')).not.toThrow();
    expect(fs.readFileSync(path.join(logs, 'caducee.log'), 'utf8')).toContain('after.cleanup');
    // A file where the folder should be: nothing can be written, nothing is thrown.
    fs.rmSync(logs, { recursive: true });
    fs.writeFileSync(logs, 'not a folder');
    expect(() => log.warn('nowhere')).not.toThrow();
  });
});
