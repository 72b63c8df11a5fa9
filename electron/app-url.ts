/**
 * The one origin the renderer is served from. A custom standard, secure scheme (instead of
 * file://) gives the page a real origin that CSP 'self' can name, and lets main decide byte by
 * byte what is served (app-protocol.ts).
 */
export const APP_SCHEME = "app";
export const APP_HOST = "ceremony";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const START_URL = `${APP_ORIGIN}/index.html`;
/** The large-type checklist for a projector or second screen; a hash route of the same page. */
export const WITNESS_URL = `${START_URL}#/witness`;

/**
 * True only for app://ceremony/… with nothing that could make two spellings of it differ: no
 * user info, no port, host exactly as we serve it.
 */
export function isAppUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === "" &&
    parsed.password === "" &&
    url.startsWith(`${APP_ORIGIN}/`)
  );
}
