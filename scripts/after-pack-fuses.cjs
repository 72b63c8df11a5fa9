// electron-builder afterPack hook (electron-builder.yml: afterPack): flips Electron's fuses in the
// packaged binary, then reads them back and fails the build if any is not as set here.
// Fuses are compile-time switches in the Electron binary (https://www.electronjs.org/docs/latest/tutorial/fuses);
// they are the only way to turn these features off in a build, as the binary ignores app code for them.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file: electron-builder require()s its hooks */
const path = require("node:path");

/** Fuse name (as in @electron/fuses FuseV1Options) → wanted state. */
const FUSE_SETTINGS = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app binary into a plain Node interpreter.
  RunAsNode: false,
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone who can start the app inject code or attach a debugger.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Checks app.asar against the hash embedded at build time. Electron implements the check on
  // macOS and Windows only; on Linux the fuse is set for consistency but the installer's SHA-256,
  // checked in the room (docs/packaging.md), is what protects the files.
  EnableEmbeddedAsarIntegrityValidation: true,
  // Refuse to load app code from a loose folder placed next to app.asar.
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // We never use file://; it keeps no privileges beyond those of an ordinary web URL.
  GrantFileProtocolExtraPrivileges: false,
});

/**
 * @electron/fuses is a dependency of electron-builder (app-builder-lib), not of this project, so
 * it is resolved from there rather than from wherever npm happened to hoist it.
 */
function loadFuses() {
  const builderDir = path.dirname(require.resolve("app-builder-lib/package.json"));
  return require(require.resolve("@electron/fuses", { paths: [builderDir] }));
}

/** Where electron-builder put the Electron executable it is packaging (same rule as its own electronFuses). */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case "linux":
      return path.join(appOutDir, packager.executableName);
    case "win32":
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case "darwin":
    case "mas":
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    default:
      throw new Error(`after-pack-fuses: unknown platform "${electronPlatformName}"`);
  }
}

/** How a fuse reads in the binary: ASCII "1" on, "0" off (Electron's docs, "Electron Fuses"). */
const FUSE_ON = 0x31;
const FUSE_OFF = 0x30;

/** Flips every fuse in FUSE_SETTINGS, then reads the wire back and throws unless each one took. */
async function setAndVerifyFuses(binaryPath, log = console.log) {
  const { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } = loadFuses();
  const config = { version: FuseVersion.V1 };
  for (const [name, enabled] of Object.entries(FUSE_SETTINGS)) {
    if (FuseV1Options[name] === undefined) throw new Error(`after-pack-fuses: @electron/fuses does not know the fuse ${name}`);
    config[FuseV1Options[name]] = enabled;
  }
  await flipFuses(binaryPath, config);

  const wire = await getCurrentFuseWire(binaryPath);
  const wrong = Object.entries(FUSE_SETTINGS).filter(
    ([name, enabled]) => wire[FuseV1Options[name]] !== (enabled ? FUSE_ON : FUSE_OFF),
  );
  if (wrong.length > 0) {
    throw new Error(`after-pack-fuses: these fuses did not take in ${binaryPath}: ${wrong.map(([name]) => name).join(", ")}`);
  }
  // A newer Electron may carry fuses this list does not name yet; they keep Electron's default.
  const known = new Set(Object.keys(FUSE_SETTINGS).map((name) => FuseV1Options[name]));
  const unknown = Object.keys(wire).filter((key) => key !== "version" && !known.has(Number(key)));
  log(
    `after-pack-fuses: set ${Object.keys(FUSE_SETTINGS).length} fuses in ${binaryPath}` +
      (unknown.length > 0 ? `; fuses at positions ${unknown.join(", ")} are not in FUSE_SETTINGS and keep Electron's defaults: review them` : ""),
  );
}

async function afterPack(context) {
  await setAndVerifyFuses(electronBinaryPath(context));
}

module.exports = { afterPack, default: afterPack, FUSE_SETTINGS, electronBinaryPath, setAndVerifyFuses };
