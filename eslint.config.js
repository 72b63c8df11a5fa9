// @ts-check
// Layer arrows from DESIGN.md, enforced here ("bad layering" in the VS Code sense):
//   src/        imports neither electron/ nor renderer/ nor the electron package;
//               only src/hsm imports pkcs11js, only src/journal better-sqlite3, only src/print pdfkit.
//   src/common/ is pure (VS Code's `common/`): it imports nothing outside itself, so neither Node,
//               the DOM nor Electron; both src/ and renderer/ may import it.
//   renderer/   imports nothing from src/ but src/common and types from src/api; no Node built-ins.
//   electron/   may import src/; never renderer/.
import tseslint from "typescript-eslint";

const nativeOwners = [
  { name: "pkcs11js", owner: "src/hsm" },
  { name: "better-sqlite3", owner: "src/journal" },
  { name: "pdfkit", owner: "src/print" },
];

/** @param {string} except */
function ownedModules(except) {
  return nativeOwners
    .filter((m) => m.owner !== except)
    .map((m) => ({ name: m.name, message: `only ${m.owner} may import ${m.name} (DESIGN.md, Ownership)` }));
}

const srcLayerPatterns = [
  { group: ["**/electron/**", "**/renderer/**"], message: "src/ is the core: it imports neither electron/ nor renderer/" },
];
const electronPackage = { name: "electron", message: "src/ runs without Electron; only electron/ imports it" };

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "out/**", "release/**", "renderer/dist/**", "test-results/**", ".tmp/**", "demo-out/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  ...["src/hsm", "src/journal", "src/print", "src"].map((dir) => ({
    files: dir === "src" ? ["src/**/*.ts"] : [`${dir}/**/*.ts`],
    ignores: dir === "src" ? ["src/hsm/**", "src/journal/**", "src/print/**"] : [],
    rules: {
      "no-restricted-imports": ["error", { paths: [electronPackage, ...ownedModules(dir)], patterns: srcLayerPatterns }],
    },
  })),
  {
    files: ["src/common/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!\\./)", message: "src/common is pure: it imports only its own files (./x.ts), no package, no Node, no other layer" }] },
      ],
      "no-restricted-globals": [
        "error",
        ...["Buffer", "process", "require", "window", "document", "navigator"].map((name) => ({ name, message: "src/common runs in Node and the renderer alike: no Node or DOM globals" })),
      ],
    },
  },
  {
    files: ["renderer/**/*.ts", "renderer/**/*.tsx"],
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [electronPackage, ...nativeOwners.map((m) => ({ name: m.name, message: "the renderer has no Node" }))],
          patterns: [
            { regex: "^node:", message: "the renderer has no Node built-ins" },
            { group: ["**/electron/**"], message: "the renderer talks only to window.ceremony" },
            { regex: "(^|/)src/(?!api/|common/)", message: "the renderer imports only src/common and types from src/api" },
            { group: ["**/src/api/**"], allowTypeImports: true, message: "the renderer imports only types from src/api" },
          ],
        },
      ],
    },
  },
  {
    files: ["electron/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/renderer/**"], message: "main and preload never import the renderer" }] }],
    },
  },
);
