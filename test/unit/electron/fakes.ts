/**
 * Small stand-ins for the Electron objects the security functions touch. They record what was
 * registered so each test can fire the real handler and look at what it decided.
 */
import type { Preventable } from "../../../electron/security.ts";

type Listener = (...args: never[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  /** Calls every listener of `event` with `args`; fails the test if there is none. */
  emit(event: string, ...args: unknown[]): void {
    const registered = this.listeners.get(event);
    if (registered === undefined || registered.length === 0) throw new Error(`no listener for ${event}`);
    for (const listener of registered) (listener as (...a: unknown[]) => unknown)(...args);
  }
}

export class FakeEvent implements Preventable {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

export class FakeWebContents extends FakeEmitter {
  windowOpenHandler: (() => { action: "deny" }) | undefined;
  setWindowOpenHandler(handler: () => { action: "deny" }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeSession extends FakeEmitter {
  spellCheckerEnabled = true;
  setSpellCheckerEnabled(enable: boolean): void {
    this.spellCheckerEnabled = enable;
  }
  permissionRequest: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheck: (() => boolean) | undefined;
  devicePermission: (() => boolean) | undefined;
  beforeRequest: ((details: { url: string; resourceType: string }, callback: (response: { cancel: boolean }) => void) => void) | undefined;

  setPermissionRequestHandler(handler: NonNullable<FakeSession["permissionRequest"]>): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: () => boolean): void {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: () => boolean): void {
    this.devicePermission = handler;
  }
  readonly webRequest = {
    onBeforeRequest: (listener: NonNullable<FakeSession["beforeRequest"]>): void => {
      this.beforeRequest = listener;
    },
  };
}
