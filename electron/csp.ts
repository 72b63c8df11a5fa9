/**
 * The renderer's Content Security Policy. Main sends it as a response header on every app://
 * response (app-protocol.ts), and renderer/index.html must carry the identical string in
 * `<meta http-equiv="Content-Security-Policy" content="…">` so that the page is protected even if
 * it is ever loaded some other way. The renderer may not import electron/, so the meta tag is a
 * copy; test/unit/electron/csp.test.ts fails when the two differ.
 *
 * default-src 'none' leaves connect-src, font-src, frame-src, media-src, object-src and worker-src
 * closed: the renderer reaches the core only through window.ceremony, never over the network.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:";
