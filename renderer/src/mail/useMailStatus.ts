import { useEffect, useState } from 'react';
import type { MailStatusView } from '../../../shared/api/index.js';
import { invoke, on } from '../api/client.js';

/** The mailbox state (configured, online, syncing, PSC needed): read once, then pushed by `mail.status`. */
export function useMailStatus(): MailStatusView | null {
  const [status, setStatus] = useState<MailStatusView | null>(null);
  useEffect(() => {
    let live = true;
    let pushed = false;
    const off = on('mail.status', (value) => {
      pushed = true;
      if (live) setStatus(value);
    });
    invoke('mail.status', {}).then(
      (value) => live && !pushed && setStatus(value),
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return status;
}
