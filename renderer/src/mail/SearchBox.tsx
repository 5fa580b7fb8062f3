import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon.js';

/**
 * Search over every folder (the vault's full-text index). The query goes up after a short pause
 * in typing; Échap clears it and brings the folder back.
 */
export function SearchBox({ onSearch }: { readonly onSearch: (query: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => onSearch(text.trim()), text.trim() === '' ? 0 : 250);
    return () => clearTimeout(timer);
  }, [text, onSearch]);
  return (
    <div className="mail-search" role="search">
      <label htmlFor={id} className="visually-hidden">
        {t('mail.search.label')}
      </label>
      <Icon name="search" className="mail-search-icon" />
      <input
        id={id}
        type="search"
        value={text}
        placeholder={t('mail.search.placeholder')}
        onChange={(event) => setText(event.target.value.slice(0, 200))}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            setText('');
          }
        }}
        data-testid="mail-search"
      />
    </div>
  );
}
