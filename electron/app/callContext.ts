import type { CallContext } from '../host/router.js';
import { originOf } from './appOrigin.js';

/** The parts of Electron's `WebFrameMain` this file reads (structural: no 'electron' import). */
export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
  readonly parent: FrameLike | null;
  readonly detached?: boolean;
  isDestroyed(): boolean;
}

function sameFrame(a: FrameLike, b: FrameLike): boolean {
  return a === b || (a.processId === b.processId && a.routingId === b.routingId);
}

/**
 * Who sent an IPC call, for the router to judge. A frame that is gone (null, destroyed or
 * detached while the call was in flight) counts as a subframe, which the router refuses.
 * The origin comes from the frame's URL (an `about:blank` child of our page has an empty URL
 * and so no app origin, whereas `frame.origin` would give it its parent's).
 */
export function callContextOf(frame: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined): CallContext {
  if (!frame || frame.isDestroyed() || frame.detached === true) return { origin: 'null', isMainFrame: false };
  const isMainFrame = !!mainFrame && !mainFrame.isDestroyed() && frame.parent === null && sameFrame(frame, mainFrame);
  return { origin: originOf(frame.url), isMainFrame };
}

/** The IPC payload of `caducee:invoke`: an object with a method name; the router checks the rest. */
export interface InvokePayload {
  readonly method: string;
  readonly input: unknown;
}

export function parseInvokePayload(payload: unknown): InvokePayload | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { method, input } = payload as { method?: unknown; input?: unknown };
  if (typeof method !== 'string' || method.length === 0 || method.length > 100) return null;
  return { method, input };
}
