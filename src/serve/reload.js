// Served only by `qingdan serve`, never part of a built site: reloads the
// page when the preview is rebuilt. The server's event stream sends the
// current build's version on connecting and each new one after a rebuild;
// the page knows the version it was built with (data-version), and
// reloads when they differ, so a rebuild that happened while the page was
// loading, or while the tab was in the background, is not missed either.
// A tab in the background closes its stream: browsers allow only six
// connections to one server, and a clerk may have many tabs open.
(() => {
  "use strict";
  const me = document.currentScript;
  if (!me || typeof EventSource === "undefined") return;
  const version = me.dataset.version;
  const url = new URL("events", me.src);
  let source = null;

  const connect = () => {
    if (source) return;
    source = new EventSource(url);
    source.addEventListener("reload", (event) => {
      if (event.data && event.data !== version) {
        disconnect();
        window.location.reload();
      } else {
        // Up to date and listening (the browser tests wait for this).
        document.documentElement.dataset.qingdanReload = "connected";
      }
    });
  };
  const disconnect = () => {
    if (!source) return;
    source.close();
    source = null;
    delete document.documentElement.dataset.qingdanReload;
  };

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) disconnect();
    else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", () => {
    if (!document.hidden) connect();
  });
  if (!document.hidden) connect();
})();
