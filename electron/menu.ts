import type { MenuItemConstructorOptions } from "electron";

/**
 * The application menu. It replaces Electron's default menu, whose Help items open web pages
 * with shell.openExternal. Zoom stays, because text is read aloud across a room; developer tools
 * appear only in unpackaged builds.
 */
export function applicationMenuTemplate(options: { isPackaged: boolean; openWitnessView: () => void }): MenuItemConstructorOptions[] {
  const developer: MenuItemConstructorOptions[] = options.isPackaged ? [] : [{ type: "separator" }, { role: "toggleDevTools" }];
  return [
    { label: "&File", submenu: [{ role: "quit" }] },
    {
      label: "&Edit",
      submenu: [{ role: "undo" }, { role: "redo" }, { type: "separator" }, { role: "cut" }, { role: "copy" }, { role: "paste" }, { role: "selectAll" }],
    },
    {
      label: "&View",
      submenu: [
        { label: "Open &witness view", accelerator: "CmdOrCtrl+Shift+W", click: () => options.openWitnessView() },
        { type: "separator" },
        { role: "resetZoom" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { type: "separator" },
        { role: "togglefullscreen" },
        ...developer,
      ],
    },
  ];
}
