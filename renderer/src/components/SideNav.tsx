import { useTranslation } from 'react-i18next';
import { hashOf, screenIds, type Route } from '../routes.js';

/** Links to `#/<screen>`: native link semantics and keyboard behaviour, and a reload keeps the screen. */
export function SideNav({ current }: { current: Route }) {
  const { t } = useTranslation();
  return (
    <nav className="side-nav" aria-label={t('nav.label')} data-testid="nav">
      <ul>
        {screenIds.map((id) => (
          <li key={id}>
            <a
              href={hashOf(id)}
              className="side-nav-link"
              data-testid={`nav-${id}`}
              aria-current={id === current ? 'page' : undefined}
            >
              {t(`nav.${id}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
