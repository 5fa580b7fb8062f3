import { MailScreen } from '../mail/MailScreen.js';

/** Messagerie — MSSanté secure messages: reading what the sync stored, writing through the outbox. */
export function MessagerieScreen() {
  return <MailScreen />;
}
