import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailMessageView, MailSummaryView } from '../../../shared/api/index.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { blankCompose, Compose, type ComposeStart } from './Compose.js';
import { FolderList } from './FolderList.js';
import { defaultFolder, showsRecipients, specialOf } from './folders.js';
import { fullDate } from './format.js';
import { MailBanners } from './MailBanners.js';
import { MessageList } from './MessageList.js';
import { ReadingPane } from './ReadingPane.js';
import { replyDraft } from './replyDraft.js';
import { SearchBox } from './SearchBox.js';
import { useFolders } from './useFolders.js';
import { useMailStatus } from './useMailStatus.js';
import { useMessageWindow, type ListSource } from './useMessageWindow.js';
import '../styles/mail.css';

/**
 * Messagerie: folders, the (virtualized) message list of the folder or of a search, and the
 * reading pane — or the compose, which stays mounted while hidden so nothing typed is lost
 * (neither when a message is opened meanwhile, nor under the lock screen).
 */
export function MailScreen() {
  const { t, i18n } = useTranslation();
  const status = useMailStatus();
  const [folder, setFolder] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<number | null>(null);
  const [readGeneration, setReadGeneration] = useState(0);
  const [composing, setComposing] = useState<{ readonly start: ComposeStart; readonly key: number } | null>(null);
  const [composeShown, setComposeShown] = useState(false);
  const composeRegion = useRef<HTMLDivElement>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  const source: ListSource | null = query !== '' ? { kind: 'search', query } : folder !== null ? { kind: 'folder', folder } : null;
  const cache = useMessageWindow(source);
  const cacheRef = useRef(cache);
  cacheRef.current = cache;
  const folderRef = useRef(folder);
  folderRef.current = folder;

  const onFoldersChanged = useCallback((changed: readonly string[]) => {
    const current = folderRef.current;
    if (changed.length === 0 || current === null || changed.includes(current)) cacheRef.current?.invalidate();
    // The open message may have changed from another folder's news (a receipt lands in the inbox).
    setReadGeneration((n) => n + 1);
  }, []);
  const folders = useFolders(onFoldersChanged);
  const folderList = useMemo(() => (folders.kind === 'ready' ? folders.folders : []), [folders]);

  // The inbox first, once folders are known; a folder that disappeared gives way to it.
  useEffect(() => {
    if (folders.kind !== 'ready') return;
    if (folder === null || !folderList.some((f) => f.path === folder)) setFolder(defaultFolder(folderList));
  }, [folders.kind, folderList, folder]);

  const currentFolder = folderList.find((f) => f.path === folder);
  const folderName = (path: string): string => {
    const found = folderList.find((f) => f.path === path);
    const special = found ? specialOf(found) : null;
    return special ? t(`mail.folders.special.${special}`) : (found?.name ?? path);
  };

  const openCompose = (start: ComposeStart) => {
    setComposing((previous) => ({ start, key: (previous?.key ?? 0) + 1 }));
    setComposeShown(true);
    setTimeout(() => composeRegion.current?.querySelector<HTMLElement>('h2')?.focus(), 0);
  };
  const showCompose = () => {
    setComposeShown(true);
    setTimeout(() => composeRegion.current?.querySelector<HTMLElement>('h2')?.focus(), 0);
  };
  const closeCompose = () => {
    setComposing(null);
    setComposeShown(false);
    newButton.current?.focus();
  };
  const reply = (message: MailMessageView) => {
    const intro = t('mail.compose.replyIntro', { date: fullDate(message.date, i18n.language), from: message.from });
    const fromSent = currentFolder ? specialOf(currentFolder) === 'sent' : false;
    openCompose({ draft: replyDraft(message, intro, fromSent), patient: message.patientId !== null ? { id: message.patientId, label: t('mail.compose.patientLinked') } : null });
  };
  const open = (message: MailSummaryView) => {
    setOpenId(message.id);
    setComposeShown(false);
  };
  const onSummaryChange = useCallback((id: number, change: Partial<Pick<MailSummaryView, 'seen' | 'flagged'>>) => {
    cacheRef.current?.patch(
      (m) => m.id === id,
      (m) => ({ ...m, ...change }),
    );
  }, []);
  const onSearch = useCallback((value: string) => setQuery(value), []);

  const listLabel =
    query !== '' ? t('mail.list.searchLabel', { query }) : currentFolder ? t('mail.list.label', { folder: folderName(currentFolder.path) }) : t('mail.list.labelNoFolder');
  const total = cache?.total ?? null;
  const draftWaiting = composing !== null && !composeShown;

  return (
    <div className="mail-screen">
      <ScreenTitle>{t('screens.messagerie.title')}</ScreenTitle>
      <MailBanners status={status} folderName={folderName} />
      <div className="mail-toolbar">
        <button ref={newButton} type="button" className="button button-primary" onClick={() => (composing ? showCompose() : openCompose(blankCompose))} data-testid="mail-new">
          {draftWaiting ? t('mail.compose.resume') : t('mail.compose.new')}
        </button>
        <SearchBox onSearch={onSearch} />
      </div>
      {folders.kind === 'failed' && status?.configured !== false && (
        <p role="alert" className="field-error" data-testid="mail-folders-error">
          {t('mail.folders.failed', { reason: t(`errors.${folders.code}`) })}
        </p>
      )}
      <div className="mail-panes">
        <FolderList
          folders={folderList}
          current={query === '' ? folder : null}
          onSelect={(path) => {
            setFolder(path);
            setQuery('');
          }}
        />
        <section className="mail-list-pane" aria-labelledby="mail-list-title">
          <h2 id="mail-list-title" className="mail-pane-title" data-testid="mail-list-title">
            {listLabel}
            {total !== null && <span className="mail-pane-count"> ({total})</span>}
          </h2>
          {cache && total !== null && total > 0 && (
            <MessageList cache={cache} label={listLabel} recipients={query === '' && showsRecipients(currentFolder)} openId={openId} onOpen={open} />
          )}
          {folders.kind === 'ready' && folderList.length === 0 && query === '' && (
            <p className="mail-pane-note" data-testid="mail-no-folder">
              {t('mail.list.noFolder')}
            </p>
          )}
          {cache && total === 0 && (
            <p className="mail-pane-note" data-testid="mail-list-empty">
              {query !== '' ? t('mail.list.noResult') : t('mail.list.empty')}
            </p>
          )}
          {cache?.hasFailed && (
            <p role="alert" className="field-error" data-testid="mail-list-error">
              {t('mail.list.failed')}
            </p>
          )}
        </section>
        <section className="mail-reading-pane" aria-label={composeShown ? t('mail.compose.paneLabel') : t('mail.read.paneLabel')}>
          <div ref={composeRegion} hidden={!composeShown}>
            {composing && <Compose key={composing.key} start={composing.start} onClose={closeCompose} />}
          </div>
          {!composeShown && openId !== null && <ReadingPane id={openId} generation={readGeneration} onSummaryChange={onSummaryChange} onReply={reply} />}
          {!composeShown && openId === null && (
            <p className="mail-pane-note" data-testid="mail-reading-empty">
              {t('mail.read.nothingOpen')}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
