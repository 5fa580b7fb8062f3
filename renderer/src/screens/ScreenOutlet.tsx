import type { AppInfo } from '../../../shared/api/index.js';
import { CrashOnPurpose } from '../components/CrashOnPurpose.js';
import type { SettingsState } from '../hooks/useSettings.js';
import type { StatusView } from '../hooks/useStatus.js';
import type { Route } from '../routes.js';
import { DmpScreen } from './DmpScreen.js';
import { MessagerieScreen } from './MessagerieScreen.js';
import { OutboxScreen } from './OutboxScreen.js';
import { PatientsScreen } from './PatientsScreen.js';
import { SettingsScreen } from './SettingsScreen.js';

interface Props {
  readonly route: Route;
  readonly info: AppInfo | null;
  readonly status: StatusView;
  readonly settingsState: SettingsState;
}

/** Picks the screen for a route; the switch is exhaustive, so a new screen id must be wired here. */
export function ScreenOutlet({ route, info, status, settingsState }: Props) {
  switch (route) {
    case 'messagerie':
      return <MessagerieScreen />;
    case 'patients':
      return <PatientsScreen />;
    case 'dmp':
      return <DmpScreen />;
    case 'outbox':
      return <OutboxScreen status={status} />;
    case 'settings':
      return <SettingsScreen info={info} settingsState={settingsState} />;
    case '__crash':
      return <CrashOnPurpose />;
  }
}
