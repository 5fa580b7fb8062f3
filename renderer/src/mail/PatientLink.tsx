import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api/client.js';
import { hashOf } from '../routes.js';

/** The patient a message is linked to, by name, with the way to the patients screen. */
export function PatientLink({ id }: { readonly id: number }) {
  const { t } = useTranslation();
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    invoke('patients.get', { id }).then(
      (answer) => {
        if (!live || !answer.ok) return;
        const traits = answer.patient.traits;
        setName(`${traits.usedFirstName ?? traits.firstNames[0] ?? ''} ${(traits.usedName ?? traits.birthName).toUpperCase()}`.trim());
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <a href={hashOf('patients')} data-testid="mail-message-patient">
      {name ?? t('mail.read.patientUnknownName', { id })}
    </a>
  );
}
