/* When the server refuses a callback for want of a session (it expired, the user signed out elsewhere, or a
   wall display's kiosk token was revoked), reload the page: the server then shows the sign-in page or the
   revoked-display notice instead of leaving stale data on screen. See docs/security.md. */
(function () {
  "use strict";
  var originalFetch = window.fetch;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-update-component") !== -1) {
        window.location.reload();
      }
      return response;
    });
  };
})();
