// @ts-check
// Layer arrows from docs/architecture.md, enforced here ("bad layering" in the VS Code sense):
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
    .map((m) => ({ name: m.name, message: `only ${m.owner} may import ${m.name} (docs/architecture.md, Layers)` }));
}

const srcLayerPatterns = [
  { group: ["**/electron/**", "**/renderer/**"], message: "src/ is the core: it imports neither electron/ nor renderer/" },
];
/** Which src/ folders each src/ folder may import (root files such as errors.ts are open to all). */
const SRC_LAYERS = {
  common: [],
  events: ["common"],
  journal: ["events", "common"],
  transcript: ["journal", "events", "common", "pki"],
  escrow: ["common"],
  pki: ["common"],
  hsm: ["common", "escrow"],
  print: ["common"],
  airgap: ["common"],
  evidence: ["transcript", "events", "common"],
  ceremony: ["airgap", "common", "escrow", "events", "hsm", "journal", "pki", "print", "transcript"],
  api: ["airgap", "ceremony", "common", "escrow", "events", "evidence", "hsm", "journal", "pki", "print", "transcript"],
  cli: ["airgap", "ceremony", "common", "escrow", "events", "evidence", "hsm", "journal", "pki", "print", "transcript"],
};

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
  // src layer arrows (docs/architecture.md, Layers): each folder of src/ may import only the
  // folders listed for it. Relative imports only, so a folder is named by "../<layer>/".
  ...Object.entries(SRC_LAYERS).map(([layer, allowed]) => {
    const forbidden = Object.keys(SRC_LAYERS).filter((l) => l !== layer && !allowed.includes(l));
    const owner = `src/${layer}`;
    return {
      files: [`src/${layer}/**/*.ts`],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            paths: [electronPackage, ...ownedModules(nativeOwners.some((m) => m.owner === owner) ? owner : "")],
            patterns: [
              ...srcLayerPatterns,
              ...(forbidden.length
                ? [{ regex: `^(\\.\\./)+(${forbidden.join("|")})/`, message: `src/${layer} may import only ${allowed.join(", ") || "nothing"} (docs/architecture.md, Layers)` }]
                : []),
            ],
          },
        ],
      },
    };
  }),
  {
    files: ["src/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [electronPackage, ...ownedModules("")], patterns: [...srcLayerPatterns, { regex: "^\\./(?!errors/)[a-z]+/", message: "the root files of src/ import no layer but the error registry (src/errors/)" }] }] },
  },
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
