import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';

/** Name, version and mode; `null` while loading or if the bridge is unavailable. */
export function useAppInfo(): AppInfo | null {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let live = true;
    invoke('app.getInfo', {}).then(
      (value) => live && setInfo(value),
      () => undefined, // The shell still works; the settings screen shows "—".
    );
    return () => {
      live = false;
    };
  }, []);
  return info;
}
