import { CONTENT_SECURITY_POLICY } from "../../electron/csp.ts";

/**
 * The harness's policy: the app's policy, plus connect-src 'self' for the bridge's fetch and
 * EventSource to the harness's own origin — the one thing IPC needs no permission for. Inline
 * script and style stay forbidden, so a screen that would break under Electron's CSP breaks here.
 */
export const HARNESS_CSP = `${CONTENT_SECURITY_POLICY}; connect-src 'self'`;

const META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i;

/**
 * index.html as the harness serves it: the meta policy swapped for the harness's (a meta policy
 * cannot be loosened by a header; both apply), and the bridge script loaded before the app.
 * Refuses a page whose meta policy is not the app's, rather than serving it loosened.
 */
export function harnessIndexHtml(html: string): string {
  const match = META.exec(html);
  if (!match || match[1] !== CONTENT_SECURITY_POLICY) {
    throw new Error("renderer/dist/index.html does not carry the app's Content-Security-Policy meta tag; rebuild the renderer");
  }
  return html.replace(META, `<meta http-equiv="Content-Security-Policy" content="${HARNESS_CSP}">\n    <script src="./harness-bridge.js"></script>`);
}
