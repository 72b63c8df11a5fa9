/*
 * window.ceremony for the browser test harness: the same shape as the Electron preload's bridge
 * (one function per contract channel taking one request, plus onProgress), carried over
 * loopback HTTP instead of IPC. Served as a file from the harness's own origin, because the
 * page's CSP allows no inline script. The server prepends `const CHANNELS = [...]` and
 * `const ADVICE_TEXT = {...}` (src/common/advice.ts), the sentence for each advice kind.
 *
 * The session token arrives once in the URL fragment (#token=…, never sent to the server by the
 * browser), is kept in this tab's sessionStorage, and the fragment is replaced by the app route.
 */
/* global CHANNELS, ADVICE_TEXT */
(() => {
  const STORAGE_KEY = "ceremony-harness-token";
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const fromUrl = fragment.get("token");
  if (fromUrl) {
    window.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    const route = fragment.get("route") ?? "/";
    window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#${route}`);
  }
  const token = window.sessionStorage.getItem(STORAGE_KEY) ?? "";

  const failure = (code, message, advice) => ({ ok: false, error: { name: "HarnessBridgeError", code, message, advice, adviceText: ADVICE_TEXT[advice] } });

  async function invoke(channel, request) {
    let response;
    try {
      response = await fetch("/rpc", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, channel, request }),
        cache: "no-store",
      });
    } catch {
      return failure("HARNESS_UNREACHABLE", "The test harness does not answer. Is `npm run ui` still running?", "retry");
    }
    try {
      return await response.json();
    } catch {
      return failure("HARNESS_BAD_REPLY", `The test harness answered ${response.status} without a result.`, "stop");
    }
  }

  const listeners = new Set();
  let source = null;
  function onProgress(listener) {
    listeners.add(listener);
    if (source === null) {
      source = new EventSource(`/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message) => {
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        for (const l of [...listeners]) l(event);
      };
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source !== null) {
        source.close();
        source = null;
      }
    };
  }

  const api = {};
  for (const channel of CHANNELS) api[channel] = (request) => invoke(channel, request);
  api.onProgress = onProgress;
  Object.defineProperty(window, "ceremony", { value: Object.freeze(api), enumerable: true, configurable: false, writable: false });
})();
