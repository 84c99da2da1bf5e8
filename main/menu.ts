/** Native menus with the platform's usual shortcuts. */
import { Menu, type MenuItemConstructorOptions, shell } from 'electron';

export function buildMenu(isMac = process.platform === 'darwin'): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'TRL documentation (metric names)',
          click: () => void shell.openExternal('https://huggingface.co/docs/trl'),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
