// Served only by `qingdan serve`, never part of a built site: reloads the
// page when the preview is rebuilt. The server's event stream sends the
// current build's version on connecting and each new one after a rebuild;
// the page knows the version it was built with (data-version), and
// reloads when they differ, so a rebuild that happened while the page was
// loading is not missed either.
(() => {
  "use strict";
  const me = document.currentScript;
  if (!me || typeof EventSource === "undefined") return;
  const version = me.dataset.version;
  const source = new EventSource(new URL("events", me.src));
  source.addEventListener("reload", (event) => {
    if (event.data && event.data !== version) {
      source.close();
      window.location.reload();
    } else {
      // Up to date and listening (the browser tests wait for this).
      document.documentElement.dataset.qingdanReload = "connected";
    }
  });
})();
