import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DemoBanner } from './components/DemoBanner.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { SideNav } from './components/SideNav.js';
import { StatusBar } from './components/StatusBar.js';
import { useAppInfo } from './hooks/useAppInfo.js';
import { useHashRoute } from './hooks/useHashRoute.js';
import { useSettings } from './hooks/useSettings.js';
import { useStatus } from './hooks/useStatus.js';
import { LockScreen } from './lock/LockScreen.js';
import { RecoveryCodeDialog } from './lock/RecoveryCodeDialog.js';
import { useActivityPing } from './lock/useActivityPing.js';
import { isSignedIn, useCard } from './lock/useCard.js';
import { useSignIn } from './lock/useSignIn.js';
import { CRASH_TEST_ROUTE, HOME } from './routes.js';
import { ScreenOutlet } from './screens/ScreenOutlet.js';

function focusTitle(main: HTMLElement | null): void {
  main?.querySelector<HTMLElement>('h1')?.focus();
}

/**
 * The shell: banner, navigation, the current screen (inside the error boundary) and the status
 * bar — under the lock screen whenever the CPS card is not signed in. The shell is never
 * unmounted by the lock: it is made inert and hidden, so what was being typed is still there
 * after the next sign-in.
 */
export function App() {
  const { t } = useTranslation();
  const info = useAppInfo();
  const status = useStatus();
  const card = useCard();
  const signedIn = isSignedIn(card);
  // The recovery code stays here only until "Continuer" (or a later sign-in, if the card left first).
  const [recoveryCode, setRecoveryCode] = useState<string | null>(null);
  const signIn = useSignIn((code) => {
    if (code !== undefined) setRecoveryCode(code);
  });
  // Main reports the card signed in before the vault is open: the lock stays until it answers.
  const locked = !signedIn || signIn.pending;
  const showRecovery = !locked && recoveryCode !== null;
  const covered = locked || showRecovery;
  useActivityPing(!covered);

  // A card taken out (or another one) starts afresh: no answer left over from the previous PIN.
  const cardPresence = card.kind === 'ready' ? card.view.state : card.kind;
  const { clear: clearSignIn } = signIn;
  useEffect(() => {
    if (cardPresence === 'absent' || cardPresence === 'no-reader') clearSignIn();
  }, [cardPresence, clearSignIn]);
  const settingsState = useSettings();
  const { route, navigate } = useHashRoute();
  const mainRef = useRef<HTMLElement>(null);
  // Bumped by "Revenir à l’accueil" so the boundary remounts even when home is the crashed screen.
  const [boundaryGeneration, setBoundaryGeneration] = useState(0);
  const goHome = (): void => {
    navigate(HOME);
    setBoundaryGeneration((n) => n + 1);
  };

  // Focus follows the screen change (not the first render: the skip link must stay first).
  // Compared with what was shown, not "is first run", because StrictMode runs effects twice.
  const shown = `${route}:${boundaryGeneration}`;
  const lastShown = useRef(shown);
  useEffect(() => {
    if (lastShown.current === shown) return;
    lastShown.current = shown;
    focusTitle(mainRef.current);
  }, [shown]);

  const titleKey = route === CRASH_TEST_ROUTE ? 'errorBoundary.title' : (`nav.${route}` as const);
  useEffect(() => {
    const key = info?.mode === 'demo' ? 'app.documentTitleDemo' : 'app.documentTitle';
    document.title = t(key, { screen: locked ? t('card.lockedTitle') : t(titleKey) });
  }, [t, titleKey, info?.mode, locked]);

  // Where focus was in the shell before the lock: it goes back there after the sign-in (the
  // draft being typed). With nothing to go back to, focus starts from the top of the page.
  const lastFocus = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (covered) return;
    const target = lastFocus.current;
    if (target?.isConnected) target.focus();
  }, [covered]);

  // A skip link with `href="#…"` would overwrite the route held in the fragment.
  const skipToContent = (event: MouseEvent<HTMLAnchorElement>): void => {
    event.preventDefault();
    focusTitle(mainRef.current);
  };

  return (
    <>
      <div
        className="app-shell"
        inert={covered}
        aria-hidden={covered || undefined}
        data-testid="app-shell"
        onFocus={(event) => {
          if (event.target instanceof HTMLElement) lastFocus.current = event.target;
        }}
      >
        <a className="skip-link" href="#main-content" onClick={skipToContent}>
          {t('skipLink')}
        </a>
        <header className="app-header">
          {info?.mode === 'demo' && <DemoBanner />}
          <p className="app-name">{t('app.name')}</p>
        </header>
        <div className="app-body">
          <SideNav current={route} />
          <main id="main-content" ref={mainRef} className="app-main" data-testid={`screen-${route}`}>
            <ErrorBoundary key={shown} onHome={goHome}>
              <ScreenOutlet route={route} info={info} status={status} settingsState={settingsState} />
            </ErrorBoundary>
          </main>
        </div>
        <StatusBar view={status} card={card} mode={info?.mode} />
      </div>
      {locked && <LockScreen card={card} mode={info?.mode} flow={signIn} />}
      {showRecovery && <RecoveryCodeDialog code={recoveryCode} onDone={() => setRecoveryCode(null)} />}
    </>
  );
}
