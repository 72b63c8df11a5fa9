/**
 * Preload of every window. The window is sandboxed, so this runs with only the sandbox's small
 * require(); scripts/build-electron.mjs bundles it, contract and zod included, into one CommonJS
 * file that requires nothing but "electron".
 */
import { contextBridge, ipcRenderer } from "electron";
import { contract, type Channel } from "../src/api/contract.ts";
import { buildCeremonyBridge } from "./bridge.ts";

contextBridge.exposeInMainWorld("ceremony", buildCeremonyBridge(Object.keys(contract) as Channel[], ipcRenderer));
