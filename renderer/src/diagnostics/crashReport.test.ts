import { describe, expect, it } from 'vitest';
import { crashReportOf } from './crashReport.js';

const SECRET = 'Dupont Jeanne née le 01/02/1960';

describe('crashReportOf', () => {
  it('keeps the name and the frames, never the message', () => {
    const error = new TypeError(SECRET);
    const report = crashReportOf(error);
    expect(report.name).toBe('TypeError');
    expect(report.frames.length).toBeGreaterThan(0);
    expect(JSON.stringify(report)).not.toContain('Dupont');
  });

  it('drops a multi-line message even when a line looks like a frame', () => {
    const error = new Error('ligne 1\n    at Dupont Jeanne');
    error.stack = `Error: ligne 1\n    at Dupont Jeanne\n    at render (app.js:1:2)`;
    expect(crashReportOf(error).frames).toEqual(['at render (app.js:1:2)']);
  });

  it('caps the number and the length of frames and the name', () => {
    const error = new Error('x');
    error.name = 'N'.repeat(500);
    error.stack = ['Error: x', ...Array.from({ length: 50 }, (_, i) => `    at f${i} (${'u'.repeat(400)}:1:2)`)].join('\n');
    const report = crashReportOf(error);
    expect(report.name).toHaveLength(100);
    expect(report.frames).toHaveLength(30);
    for (const frame of report.frames) expect(frame.length).toBeLessThanOrEqual(300);
  });

  it('reports a thrown non-error without any content', () => {
    expect(crashReportOf({ patient: SECRET })).toEqual({ name: 'NonError', frames: [] });
  });

  it('reads Gecko-style frames', () => {
    const error = new Error('m');
    error.stack = 'render@http://127.0.0.1/assets/index.js:10:5\n@http://127.0.0.1/assets/index.js:1:1';
    expect(crashReportOf(error).frames).toHaveLength(2);
  });
});
