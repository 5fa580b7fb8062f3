import type { PscSessionHost } from './pscSession.js';
import type { Handlers } from './router.js';

type PscHandlers = Pick<Handlers, 'psc.status' | 'psc.signIn' | 'psc.cancel' | 'psc.signOut'>;

export function createPscHandlers(options: { psc: PscSessionHost }): PscHandlers {
  const { psc } = options;
  return {
    'psc.status': async () => psc.status(),
    'psc.signIn': async () => psc.signIn(),
    'psc.cancel': async () => {
      await psc.cancel();
      return {};
    },
    'psc.signOut': async () => {
      await psc.signOut();
      return {};
    },
  };
}
