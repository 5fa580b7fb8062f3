import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api/client.js';
import { crashReportOf } from '../diagnostics/crashReport.js';

interface Props {
  readonly children: ReactNode;
  /**
   * Goes back to the home screen. The shell remounts the boundary (new key) rather than the
   * boundary resetting itself: a reset before the route changes would re-render the crashing
   * screen once more.
   */
  readonly onHome: () => void;
}

interface State {
  readonly failed: boolean;
}

/**
 * Wraps the screen area only, so that a crashing screen leaves the navigation and the status
 * bar usable. The crash is reported with its name and stack frames; never its message.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, _info: ErrorInfo): void {
    // Best effort: if the bridge is down there is nobody to tell, and the screen already says so.
    invoke('diagnostics.reportRendererError', crashReportOf(error)).catch(() => undefined);
  }

  private readonly retry = (): void => this.setState({ failed: false });

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return <ErrorMessage onRetry={this.retry} onHome={this.props.onHome} />;
  }
}

function ErrorMessage({ onRetry, onHome }: { onRetry: () => void; onHome: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="error-boundary" data-testid="error-boundary">
      <h1 tabIndex={-1} className="screen-title">
        {t('errorBoundary.title')}
      </h1>
      <p>{t('errorBoundary.body')}</p>
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={onHome}>
          {t('errorBoundary.home')}
        </button>
        <button type="button" className="button" onClick={onRetry}>
          {t('errorBoundary.retry')}
        </button>
      </div>
    </div>
  );
}
