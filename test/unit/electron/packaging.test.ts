/**
 * The packaging configuration, checked offline: electron-builder.yml against the installed
 * electron-builder's own schema, and the fuse hook against a stand-in Electron binary (a file
 * carrying the fuse wire: the sentinel, version 1, a length, then one byte per fuse).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const PROJECT = path.resolve(import.meta.dirname, "../../..");

interface FuseHook {
  default(context: unknown): Promise<void>;
  afterPack(context: unknown): Promise<void>;
  FUSE_SETTINGS: Record<string, boolean>;
  electronBinaryPath(context: unknown): string;
  setAndVerifyFuses(binaryPath: string, log?: (line: string) => void): Promise<void>;
}
const hook = require(path.join(PROJECT, "scripts/after-pack-fuses.cjs")) as FuseHook;
/** The fuse wire as Electron's docs describe it ("Electron Fuses"), written out here rather than taken from the library under test. */
const fuses = {
  SENTINEL: "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX",
  FuseState: { ENABLE: 0x31, DISABLE: 0x30 },
  FuseV1Options: {
    RunAsNode: 0,
    EnableCookieEncryption: 1,
    EnableNodeOptionsEnvironmentVariable: 2,
    EnableNodeCliInspectArguments: 3,
    EnableEmbeddedAsarIntegrityValidation: 4,
    OnlyLoadAppFromAsar: 5,
    LoadBrowserProcessSpecificV8Snapshot: 6,
    GrantFileProtocolExtraPrivileges: 7,
  } as Record<string, number>,
};

describe("electron-builder.yml", () => {
  let config: Record<string, unknown>;

  beforeAll(async () => {
    const { getConfig, validateConfiguration } = require("app-builder-lib/out/util/config/config.js");
    const { DebugLogger } = require("builder-util");
    config = await getConfig(PROJECT, "electron-builder.yml");
    await validateConfiguration(config, new DebugLogger(false));
  });

  it("is valid for the installed electron-builder", () => {
    expect(config.productName).toBe("Ceremony Workstation");
  });

  it("starts the app from the bundle that build-electron writes", () => {
    expect(config.extraMetadata).toEqual({ main: "out/main.cjs" });
    expect(readFileSync(path.join(PROJECT, "scripts/build-electron.mjs"), "utf8")).toContain('"main.cjs"');
  });

  it("packs into asar, with native addons unpacked and rebuilt for Electron from source", () => {
    expect(config).toMatchObject({ asar: true, asarUnpack: ["**/*.node"], npmRebuild: true, buildDependenciesFromSource: true });
  });

  it("builds an AppImage and a .deb and publishes nothing", () => {
    expect(config.linux).toMatchObject({ target: ["AppImage", "deb"] });
    expect(config.publish).toBeNull();
  });

  it("does not start the AppImage with --no-sandbox from its desktop entry", () => {
    expect(config.appImage).toMatchObject({ executableArgs: [] });
  });

  it("flips fuses through the hook only", () => {
    expect(config.afterPack).toBe("./scripts/after-pack-fuses.cjs");
    expect(config).not.toHaveProperty("electronFuses");
  });
});

describe("scripts/after-pack-fuses.cjs", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fuses-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A file laid out like an Electron binary around its fuse wire, every fuse starting at `initial`. */
  function fakeElectron(name: string, wireLength: number, initial: number): string {
    const file = path.join(dir, name);
    const wire = Buffer.from([1, wireLength, ...Array<number>(wireLength).fill(initial)]);
    writeFileSync(file, Buffer.concat([Buffer.alloc(64, 0x90), Buffer.from(fuses.SENTINEL), wire, Buffer.alloc(64, 0x90)]));
    return file;
  }

  it("asks for the fuses named in the brief", () => {
    expect(hook.FUSE_SETTINGS).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it.each([
    ["all on", fuses.FuseState.ENABLE],
    ["all off", fuses.FuseState.DISABLE],
  ])("sets every fuse in a binary that starts with %s", async (_start, initial) => {
    const binary = fakeElectron(`electron-${initial}`, 8, initial);
    await hook.setAndVerifyFuses(binary, () => {});
    for (const [name, enabled] of Object.entries(hook.FUSE_SETTINGS)) {
      expect([name, fuseByteOf(binary, name)]).toEqual([name, enabled ? fuses.FuseState.ENABLE : fuses.FuseState.DISABLE]);
    }
  });

  it("says so when the binary has fuses it does not know", async () => {
    const lines: string[] = [];
    await hook.setAndVerifyFuses(fakeElectron("electron-newer", 9, fuses.FuseState.ENABLE), (line) => lines.push(line));
    expect(lines.join("\n")).toMatch(/positions 8 are not in FUSE_SETTINGS/);
  });

  it("fails the build when the file carries no fuse wire", async () => {
    const notElectron = path.join(dir, "not-electron");
    writeFileSync(notElectron, "#!/bin/sh\n");
    await expect(hook.setAndVerifyFuses(notElectron, () => {})).rejects.toThrow(/sentinel/);
  });

  it("finds the Linux executable the way electron-builder names it, as the afterPack hook", async () => {
    const context = { appOutDir: dir, electronPlatformName: "linux", packager: { executableName: "ceremony-workstation" } };
    expect(hook.electronBinaryPath(context)).toBe(path.join(dir, "ceremony-workstation"));
    fakeElectron("ceremony-workstation", 8, fuses.FuseState.ENABLE);
    await hook.afterPack(context);
    expect(fuseByteOf(path.join(dir, "ceremony-workstation"), "RunAsNode")).toBe(fuses.FuseState.DISABLE);
    expect(hook.default).toBe(hook.afterPack);
  });
});

/**
 * The whole electron-builder run, offline: a stand-in Electron distribution (one file carrying a
 * fuse wire) replaces the download, and native addons are packed as already built instead of
 * being rebuilt for Electron (that needs Electron's headers from the network). Everything else
 * (files, asar, unpacking, extraMetadata, the afterPack hook) is electron-builder's real work.
 */
describe("electron-builder, packing with a stand-in Electron", () => {
  let work: string;
  let unpacked: string;
  let asarFiles: string[];
  const asar = require("@electron/asar") as { listPackage(file: string): string[]; extractFile(file: string, entry: string): Buffer };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "electron-builder-"));
    const electronDist = path.join(work, "electron-dist");
    mkdirSync(electronDist);
    const wire = Buffer.from([1, 8, ...Array<number>(8).fill(fuses.FuseState.ENABLE)]);
    writeFileSync(path.join(electronDist, "electron"), Buffer.concat([Buffer.from("#!/bin/sh\n"), Buffer.from(fuses.SENTINEL), wire]), { mode: 0o755 });

    const { buildElectron } = (await import(pathToFileURL(path.join(PROJECT, "scripts/build-electron.mjs")).href)) as { buildElectron(o: { logLevel: string }): Promise<unknown> };
    await buildElectron({ logLevel: "error" });
    const { build, Platform } = require("electron-builder");
    await build({
      projectDir: PROJECT,
      targets: Platform.LINUX.createTarget("dir"),
      config: { electronDist, npmRebuild: false, directories: { output: path.join(work, "release") } },
    });
    unpacked = path.join(work, "release", "linux-unpacked");
    asarFiles = asar.listPackage(path.join(unpacked, "resources", "app.asar"));
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("starts from out/main.cjs and keeps the ES module package type the HSM worker relies on", () => {
    const manifest = JSON.parse(asar.extractFile(path.join(unpacked, "resources", "app.asar"), "package.json").toString("utf8"));
    expect(manifest).toMatchObject({ main: "out/main.cjs", type: "module" });
    expect(asarFiles).toEqual(expect.arrayContaining(["/out/main.cjs", "/out/preload.cjs"]));
  });

  it("unpacks the native addons next to the archive", () => {
    for (const addon of ["pkcs11js/build/Release/pkcs11.node", "better-sqlite3/build/Release/better_sqlite3.node"]) {
      expect(existsSync(path.join(unpacked, "resources", "app.asar.unpacked", "node_modules", addon))).toBe(true);
    }
  });

  it("ships no build tools, native sources or source maps", () => {
    const offending = asarFiles.filter((file) => /\/node_modules\/(esbuild|@esbuild|tsx)\/|\/node_modules\/(better-sqlite3|pkcs11js)\/(src|deps)\/|\.map$/.test(file));
    expect(offending).toEqual([]);
    expect(existsSync(path.join(unpacked, "resources", "app.asar.unpacked", "node_modules", "esbuild"))).toBe(false);
  });

  it("sets the fuses in the packaged executable", () => {
    const binary = path.join(unpacked, "ceremony-workstation");
    for (const [name, enabled] of Object.entries(hook.FUSE_SETTINGS)) {
      expect([name, fuseByteOf(binary, name)]).toEqual([name, enabled ? fuses.FuseState.ENABLE : fuses.FuseState.DISABLE]);
    }
  });
});

function fuseByteOf(file: string, name: string): number | undefined {
  const bytes = readFileSync(file);
  return bytes[bytes.indexOf(fuses.SENTINEL) + fuses.SENTINEL.length + 2 + (fuses.FuseV1Options[name] as number)];
}
