import type { z } from 'zod';
import {
  ServiceError,
  isMethodName,
  methods,
  type ApiError,
  type CallResult,
  type MethodName,
  type MethodOutput,
} from '../../shared/api/index.js';
import type { Logger } from '../policy/logger.js';

/** Who is calling: filled in by the transport (Electron IPC or the web host), checked here. */
export interface CallContext {
  /** The calling document's origin (e.g. `app://caducee` or `http://127.0.0.1:5173`). */
  readonly origin: string;
  /** False for an iframe: only the app's top-level document may call. */
  readonly isMainFrame: boolean;
}

export type Handlers = {
  readonly [M in MethodName]: (input: z.output<(typeof methods)[M]['input']>, ctx: CallContext) => Promise<MethodOutput<M>>;
};

export interface RouterOptions {
  readonly trustedOrigins: ReadonlySet<string>;
  readonly log: Logger;
}

export interface Router {
  call(method: unknown, input: unknown, ctx: CallContext): Promise<CallResult>;
}

function fail(error: ApiError): CallResult {
  return { ok: false, error };
}

function fieldPaths(error: z.ZodError): string[] {
  return error.issues.slice(0, 50).map((issue) => issue.path.map(String).join('.') || '(racine)');
}

/**
 * The single gate between the renderer and the services: sender, method name, input schema,
 * then the handler, then the output schema. Nothing malformed reaches a service, and nothing a
 * service throws leaks to the renderer except a typed code.
 */
export function createRouter(handlers: Handlers, options: RouterOptions): Router {
  const { trustedOrigins, log } = options;
  return {
    async call(method, input, ctx) {
      if (!ctx.isMainFrame || !trustedOrigins.has(ctx.origin)) {
        log.warn('ipc.forbidden-sender', { mainFrame: ctx.isMainFrame });
        return fail({ code: 'FORBIDDEN_SENDER' });
      }
      if (!isMethodName(method)) {
        log.warn('ipc.unknown-method');
        return fail({ code: 'UNKNOWN_METHOD' });
      }
      const spec = methods[method];
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        log.warn('ipc.invalid-input', { method });
        return fail({ code: 'INVALID_INPUT', fields: fieldPaths(parsed.error) });
      }
      let value: unknown;
      try {
        const handler = handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>;
        value = await handler(parsed.data, ctx);
      } catch (error) {
        if (error instanceof ServiceError) {
          log.warn('ipc.service-error', { method, code: error.code, cause: error.message });
          return fail({ code: error.code });
        }
        log.error('ipc.handler-crashed', { method, error: describe(error) });
        return fail({ code: 'INTERNAL' });
      }
      const output = spec.output.safeParse(value);
      if (!output.success) {
        log.error('ipc.invalid-output', { method, fields: fieldPaths(output.error).join(',') });
        return fail({ code: 'INVALID_OUTPUT' });
      }
      return { ok: true, value: output.data };
    },
  };
}

/** Error name and stack frames only: a message can quote user data. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const frames = (error.stack ?? '').split('\n').slice(1, 6).map((l) => l.trim());
    return [error.name, ...frames].join(' | ');
  }
  return typeof error;
}
