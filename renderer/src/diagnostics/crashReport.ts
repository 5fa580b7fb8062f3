import type { MethodInput } from '../../../shared/api/index.js';

export type CrashReport = MethodInput<'diagnostics.reportRendererError'>;

const MAX_FRAMES = 30;
const MAX_FRAME_CHARS = 300;
const MAX_NAME_CHARS = 100;

/** A stack line that names a code location: V8 (`    at f (url:1:2)`) or Gecko/WebKit (`f@url:1:2`). */
const FRAME_LINE = /^\s*at\s|@.*:\d+(:\d+)?$/;

/**
 * What may leave the renderer about a crash: the error's name and its stack frames only.
 * Never the message — V8 puts `Name: message` on the stack's first line, and a message can
 * quote health data shown on screen — so we keep frame-shaped lines and nothing else.
 */
export function crashReportOf(error: unknown): CrashReport {
  if (!(error instanceof Error)) return { name: 'NonError', frames: [] };
  const name = (error.name || 'Error').slice(0, MAX_NAME_CHARS);
  // Cut the message out wherever it appears first: it may span lines that look like frames.
  const stack = error.message ? (error.stack ?? '').split(error.message).join('') : (error.stack ?? '');
  const frames = stack
    .split('\n')
    .filter((line) => FRAME_LINE.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim().slice(0, MAX_FRAME_CHARS));
  return { name, frames };
}
