// The tray icon's menu while Baton runs its own control plane: bring the window back, the
// keep-running setting, and Quit, which is what stops the control plane. Pure: main.ts passes in
// the state and the actions.
import type { MenuItemConstructorOptions } from 'electron';

export interface TrayMenuInput {
  windowVisible: boolean;
  keepRunning: boolean;
}

export interface TrayMenuActions {
  show(): void;
  setKeepRunning(on: boolean): void;
  quit(): void;
}

export function buildTrayMenuTemplate(input: TrayMenuInput, actions: TrayMenuActions): MenuItemConstructorOptions[] {
  return [
    { label: input.windowVisible ? 'Show Baton' : 'Open Baton', click: () => actions.show() },
    { type: 'separator' },
    {
      label: 'Keep running when the window closes',
      type: 'checkbox',
      checked: input.keepRunning,
      click: (item) => actions.setKeepRunning(item.checked),
    },
    { type: 'separator' },
    { label: 'Quit Baton (stops healing)', click: () => actions.quit() },
  ];
}
