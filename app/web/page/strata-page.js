// The page around strata's canvas: checks the browser can draw it (WebGL 2),
// loads the WebAssembly, says in words what went wrong if anything did, and
// wires the banner's progress buttons to strata (app/web/page_api.cpp).
"use strict";

(function () {
  var errorBox = document.getElementById("page-error");
  var loading = document.getElementById("loading");
  var message = document.getElementById("page-message");
  var machine = document.getElementById("machine");
  var exportButton = document.getElementById("export-progress");
  var importInput = document.getElementById("import-progress");
  var importLabel = document.getElementById("import-label");

  function showError(text) {
    loading.hidden = true;
    errorBox.textContent = text;
    errorBox.hidden = false;
  }

  // strata draws with WebGL 2 (OpenGL ES 3.0); without it there is nothing
  // to show, so say so before loading 10 MB for nothing.
  var probe = document.createElement("canvas");
  if (!probe.getContext("webgl2")) {
    showError("This browser cannot show strata: it needs WebGL 2, which this browser has turned off or lacks.\n" +
              "Use a current Firefox, Chrome, Edge or Safari with hardware acceleration allowed, " +
              "or run strata itself on Linux (make run).");
    return;
  }

  // Until strata runs, any error stops the page: say what it was (a data
  // file the server does not have, a truncated download).
  var ready = false;
  window.addEventListener("error", function (event) {
    if (!ready) showError("strata could not start: " + (event.message || event.error) +
                          "\nThe page's files may be incomplete on this server (build them with make web).");
  });

  var canvas = document.getElementById("canvas");
  window.Module = {
    canvas: canvas,
    print: function (text) { console.log(text); },
    printErr: function (text) {
      // strata's own notes (a font missing, a lesson's text unreadable) are
      // warnings; anything else from the runtime is shown as it comes.
      if (/^strata: /.test(text)) console.warn(text); else console.error(text);
    },
    onStrataError: function (text) { showError(text); },
    onStrataReady: function () {
      ready = true;
      loading.hidden = true;
      exportButton.disabled = false;
      importInput.disabled = false;
      importLabel.setAttribute("aria-disabled", "false");
      canvas.focus();
      setInterval(showMachine, 500);
    },
    onAbort: function (what) {
      showError("strata stopped: " + what + "\nReload the page to start again.");
    },
    setStatus: function (text) {
      // "Downloading data... (x/y)" while strata.data arrives.
      if (text) loading.textContent = "Loading strata and its recordings… " + text.replace(/^[^(]*/, "");
    },
  };

  // The machine the shown replay was recorded on, from its recording.
  function showMachine() {
    var label = Module.ccall("strata_replay_label", "string", [], []);
    machine.textContent = label ? "This one: " + label + "." : "";
  }

  function say(text) {
    message.textContent = text;
  }

  exportButton.addEventListener("click", function () {
    say(Module.ccall("strata_export_progress", "string", [], []));
  });
  importInput.addEventListener("change", function () {
    var file = importInput.files[0];
    if (!file) return;
    file.text().then(function (text) {
      say(Module.ccall("strata_import_progress", "string", ["string"], [text]));
      importInput.value = "";
    }, function (err) {
      say("could not read " + file.name + ": " + err);
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && Module.ccall) Module.ccall("strata_page_hidden", null, [], []);
  });
  window.addEventListener("pagehide", function () {
    if (Module.ccall) Module.ccall("strata_page_hidden", null, [], []);
  });
  // Keys go to strata while the pointer is over its canvas.
  canvas.addEventListener("mousedown", function () { canvas.focus(); });

  var script = document.createElement("script");
  script.src = "strata.js";
  script.onerror = function () {
    showError("strata.js did not load: the page is incomplete on this server (build it with make web).");
  };
  document.body.appendChild(script);
})();
