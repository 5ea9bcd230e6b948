import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuInput {
  isMac: boolean;
  /** Developer tools are in the menu of a development build only. */
  dev: boolean;
}

export function buildAppMenuTemplate(input: AppMenuInput): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(input.dev ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(input.isMac ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [input.isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
