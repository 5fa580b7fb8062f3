import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * A minimal application menu in French. Edit roles keep the usual shortcuts (copy, paste…)
 * working, notably on macOS where they come from the menu. No "reload" (it would drop the
 * screen state) and DevTools only in unpackaged development runs.
 */
const macAppMenu: MenuItemConstructorOptions = {
  label: 'Caducée',
  submenu: [
    { role: 'about', label: 'À propos de Caducée' },
    { type: 'separator' },
    { role: 'hide', label: 'Masquer Caducée' },
    { role: 'quit', label: 'Quitter Caducée' },
  ],
};

export function installApplicationMenu(options: { readonly devTools: boolean; readonly isMac: boolean }): void {
  const template: MenuItemConstructorOptions[] = [
    ...(options.isMac ? [macAppMenu] : []),
    {
      label: 'Fichier',
      submenu: [options.isMac ? { role: 'close', label: 'Fermer la fenêtre' } : { role: 'quit', label: 'Quitter' }],
    },
    {
      label: 'Édition',
      submenu: [
        { role: 'undo', label: 'Annuler' },
        { role: 'redo', label: 'Rétablir' },
        { type: 'separator' },
        { role: 'cut', label: 'Couper' },
        { role: 'copy', label: 'Copier' },
        { role: 'paste', label: 'Coller' },
        { role: 'selectAll', label: 'Tout sélectionner' },
      ],
    },
    {
      label: 'Affichage',
      submenu: [
        { role: 'resetZoom', label: 'Taille réelle' },
        { role: 'zoomIn', label: 'Zoom avant' },
        { role: 'zoomOut', label: 'Zoom arrière' },
        { type: 'separator' },
        { role: 'togglefullscreen', label: 'Plein écran' },
        ...(options.devTools ? [{ role: 'toggleDevTools', label: 'Outils de développement' } satisfies MenuItemConstructorOptions] : []),
      ],
    },
    {
      label: 'Fenêtre',
      submenu: [{ role: 'minimize', label: 'Réduire' }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
