// The preview's reload script (make livereload): reloads the page as soon as a build has finished, be
// it the site or the page that lists a build's problems. The preview server adds it to the pages it
// sends, with the id of the build the page comes from; no build of the site ever contains it.
"use strict";

(() => {
  const shown = document.currentScript.dataset.bygge;
  const builds = new EventSource("/_forhandsvisning/byggen");
  builds.addEventListener("message", (event) => {
    if (event.data !== shown) {
      builds.close();
      window.location.reload();
    }
  });
})();
