import { describe, expect, it } from "vitest";
import type { MenuItemConstructorOptions } from "electron";
import { pickWitnessDisplay } from "../../../electron/display.ts";
import { applicationMenuTemplate } from "../../../electron/menu.ts";

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

describe("applicationMenuTemplate", () => {
  it("has no Help menu (Electron's default one opens web pages) and no reload", () => {
    const roles = flatten(applicationMenuTemplate({ isPackaged: false, openWitnessView: () => {} })).map((item) => item.role);
    expect(roles).not.toContain("help");
    expect(roles).not.toContain("reload");
    expect(roles).not.toContain("forceReload");
  });

  it("offers developer tools only in an unpackaged build", () => {
    const roles = (isPackaged: boolean) => flatten(applicationMenuTemplate({ isPackaged, openWitnessView: () => {} })).map((item) => item.role);
    expect(roles(true)).not.toContain("toggleDevTools");
    expect(roles(false)).toContain("toggleDevTools");
  });

  it("opens the witness view from the View menu", () => {
    let opened = 0;
    const item = flatten(applicationMenuTemplate({ isPackaged: true, openWitnessView: () => opened++ })).find((i) => i.label === "Open &witness view");
    (item?.click as (() => void) | undefined)?.();
    expect(opened).toBe(1);
    expect(item?.accelerator).toBe("CmdOrCtrl+Shift+W");
  });
});

describe("pickWitnessDisplay", () => {
  const laptop = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
  const projector = { id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 720 } };

  it("puts the witness view on the display the officer is not using", () => {
    expect(pickWitnessDisplay([laptop, projector], 1)).toBe(projector);
    expect(pickWitnessDisplay([laptop, projector], 2)).toBe(laptop);
  });

  it("finds none when there is only one display", () => {
    expect(pickWitnessDisplay([laptop], 1)).toBeUndefined();
  });
});
