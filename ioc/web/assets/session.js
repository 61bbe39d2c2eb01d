/* When the server refuses a callback for want of a session (it expired, the user signed out elsewhere, or a
   wall display's kiosk token was revoked), reload the page: the server then shows the sign-in page or the
   revoked-display notice instead of leaving stale data on screen. See docs/security.md.

   When the server does not answer a callback at all (the connection broke, e.g. its worker died, or a proxy
   answered 5xx), nobody knows whether what it asked for happened: show the shell's notice saying so, and ask
   the page to read its data again (the shell's re-read store, an input of the pages' refresh callbacks), so
   the operator sees the current state, e.g. whether the alert was acknowledged. A re-read that fails too is
   tried again a few seconds later. The notice goes once each callback that failed has answered again with an
   update (a 204, when a callback had nothing to do, does not count: the action may still be undone). */
(function () {
  "use strict";
  var NOTICE = "ioc-no-answer", REREAD = "ioc-reread", RETRY_MS = 3000;
  var unanswered = {};  /* the outputs of the callbacks that got no answer, until they get one */
  var originalFetch = window.fetch;

  function callbackOutput(args) {
    if (String(args[0]).indexOf("/_dash-update-component") === -1) {
      return null;
    }
    try {
      return JSON.parse(args[1].body).output || null;
    } catch (error) {
      return null;
    }
  }

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function noAnswer(output) {
    var rereadFailed = Object.keys(unanswered).length > 0;
    unanswered[output] = true;
    setProps(NOTICE, {hidden: false});
    window.setTimeout(function () { setProps(REREAD, {data: Date.now()}); }, rereadFailed ? RETRY_MS : 0);
  }

  function answered(output) {
    if (unanswered[output]) {
      delete unanswered[output];
      if (Object.keys(unanswered).length === 0) {
        setProps(NOTICE, {hidden: true});
      }
    }
  }

  window.fetch = function () {
    var output = callbackOutput(arguments);
    return originalFetch.apply(this, arguments).then(function (response) {
      if (output && response.status === 401) {
        window.location.reload();
      } else if (output && response.status >= 500) {
        noAnswer(output);
      } else if (output && response.status === 200) {
        answered(output);
      }
      return response;
    }, function (error) {
      if (output) {
        noAnswer(output);
      }
      throw error;
    });
  };
})();
