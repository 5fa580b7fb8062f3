import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardView, Mode } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { mainMessage, practitionerName } from './format.js';
import { PinDialog } from './PinDialog.js';
import type { CardState } from './useCard.js';
import type { SignInFlow } from './useSignIn.js';

type Present = Extract<CardView, { state: 'present' }>;

interface Props {
  readonly card: CardState;
  readonly mode: Mode | undefined;
  readonly flow: SignInFlow;
}

/** Which screen of the lock is shown: focus moves to it when it changes. */
function stepOf(card: CardState): string {
  if (card.kind !== 'ready') return card.kind;
  const view = card.view;
  if (view.state !== 'present') return view.state;
  if (view.check.kind === 'refused') return `refused:${view.slotId}`;
  if (view.pinStatus === 'locked') return `blocked:${view.slotId}`;
  return `pin:${view.slotId}`;
}

/**
 * The lock: a full-window modal layer above the application, shown whenever the card is not
 * signed in. The application stays mounted underneath (inert), so a draft survives it. The
 * layer is opaque: nothing on screen shows through while the professional is away.
 */
export function LockScreen({ card, mode, flow }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const panelRef = useRef<HTMLElement>(null);
  const step = stepOf(card);
  const demo = mode === 'demo';

  // Focus follows the step: the PIN field focuses itself, any other step puts focus on its title.
  useEffect(() => {
    const panel = panelRef.current;
    if (!panel || panel.querySelector('[data-testid="pin-input"]')) return;
    panel.querySelector<HTMLElement>('h1')?.focus();
  }, [step]);

  return (
    <div className="lock-layer" data-testid="lock-screen">
      <section ref={panelRef} className="lock-panel" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <p className="lock-brand">{t('app.name')}</p>
        {demo && (
          <p className="lock-demo" data-testid="lock-demo-hint">
            <strong>{t('demoBanner.title')}</strong> {t('card.demo.hint')}
          </p>
        )}
        <LockContent card={card} demo={demo} titleId={titleId} flow={flow} />
      </section>
    </div>
  );
}

function Title({ id, children }: { id: string; children: ReactNode }) {
  return (
    <h1 id={id} tabIndex={-1} className="lock-title" data-testid="lock-title">
      {children}
    </h1>
  );
}

function LockContent({ card, demo, titleId, flow }: { card: CardState; demo: boolean; titleId: string; flow: SignInFlow }) {
  const { t } = useTranslation();
  if (card.kind === 'loading') {
    return (
      <>
        <Title id={titleId}>{t('card.loading')}</Title>
      </>
    );
  }
  if (card.kind === 'unavailable') {
    return (
      <>
        <Title id={titleId}>{t('card.unavailable.title')}</Title>
        <p>{t('card.unavailable.body')}</p>
      </>
    );
  }
  const view = card.view;
  switch (view.state) {
    case 'no-reader':
      return (
        <>
          <Title id={titleId}>{t('card.noReader.title')}</Title>
          <p>{t('card.noReader.body')}</p>
        </>
      );
    case 'absent':
      return (
        <>
          <Title id={titleId}>{t('card.absent.title')}</Title>
          <p>{t('card.absent.body')}</p>
          {demo && <DemoCardButton inserted={false} />}
        </>
      );
    case 'present':
      return <PresentCard view={view} demo={demo} titleId={titleId} flow={flow} />;
    case 'signed-in':
      // The card is signed in; main is still opening the vault (the layer goes when it answers).
      return (
        <>
          <Title id={titleId}>{t('card.opening')}</Title>
          <p role="status">{t('card.pin.checking')}</p>
        </>
      );
  }
}

function PresentCard({ view, demo, titleId, flow }: { view: Present; demo: boolean; titleId: string; flow: SignInFlow }) {
  const { t, i18n } = useTranslation();
  const exists = (key: string): boolean => i18n.exists(key);
  let body: ReactNode;
  if (view.check.kind === 'refused') {
    // A card the app will not accept: say why, and never ask its PIN.
    const message = mainMessage(t, i18n.language, exists, 'refusals', view.check.code, view.check.message);
    body = (
      <>
        <Title id={titleId}>{t('card.refused.title')}</Title>
        <p className="lock-refusal" data-testid="card-refusal" lang={message.lang}>
          {message.text}
        </p>
        <p>{t('card.refused.next')}</p>
      </>
    );
  } else if (view.pinStatus === 'locked') {
    body = (
      <>
        <Title id={titleId}>{t('card.blocked.title')}</Title>
        <p className="lock-refusal" data-testid="card-blocked">
          {t('card.blocked.body')}
        </p>
      </>
    );
  } else {
    const { practitioner, warnings } = view.check;
    body = (
      <>
        <Title id={titleId}>{t('card.pin.title')}</Title>
        <p data-testid="lock-card-holder">{t('card.pin.holder', { name: practitionerName(t, practitioner), profession: practitioner.profession })}</p>
        {warnings.map((warning) => {
          const message = mainMessage(t, i18n.language, exists, 'warnings', warning.code, warning.message);
          return (
            <p key={warning.code} className="field-note" lang={message.lang}>
              {message.text}
            </p>
          );
        })}
        {/* Keyed by slot: another card gets a fresh field. */}
        <PinDialog key={view.slotId} slotId={view.slotId} pinStatus={view.pinStatus} flow={flow} />
      </>
    );
  }
  return (
    <>
      {body}
      {view.otherSlots.length > 0 && <SlotChoice current={view.slotId} others={view.otherSlots} />}
      {demo && <DemoCardButton inserted />}
    </>
  );
}

/** Several cards in several readers: the professional picks theirs; the PIN goes to that one. */
function SlotChoice({ current, others }: { current: string; others: readonly string[] }) {
  const { t } = useTranslation();
  const headingId = useId();
  const [error, setError] = useState<string | null>(null);
  const select = (slotId: string): void => {
    setError(null);
    invoke('card.selectSlot', { slotId }).catch((e: unknown) => setError(t(`errors.${e instanceof ApiCallError ? e.code : 'INTERNAL'}`)));
  };
  return (
    <section className="lock-slots" aria-labelledby={headingId} data-testid="slot-choice">
      <h2 id={headingId}>{t('card.slots.title')}</h2>
      <p>{t('card.slots.current', { slot: current })}</p>
      <ul className="button-row">
        {others.map((slotId) => (
          <li key={slotId}>
            <button type="button" className="button" onClick={() => select(slotId)}>
              {t('card.slots.use', { slot: slotId })}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** Demo mode only: trainers take the virtual card out, or put it back, to show the lock. */
export function DemoCardButton({ inserted, testId }: { inserted: boolean; testId?: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const onClick = (): void => {
    setError(null);
    invoke('demo.setCardInserted', { inserted: !inserted }).catch((e: unknown) =>
      setError(t(`errors.${e instanceof ApiCallError ? e.code : 'INTERNAL'}`)),
    );
  };
  return (
    <>
      <button
        type="button"
        className={inserted ? 'button' : 'button button-primary'}
        data-testid={testId ?? (inserted ? 'demo-remove-card' : 'demo-insert-card')}
        onClick={onClick}
      >
        {t(inserted ? 'card.demo.remove' : 'card.demo.insert')}
      </button>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </>
  );
}
