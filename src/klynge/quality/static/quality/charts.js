// Draws every Vega-Lite spec on the page: <div class="klynge-chart" data-spec="id-of-json-script">.
(function () {
  function draw() {
    document.querySelectorAll(".klynge-chart[data-spec]").forEach(function (el) {
      var source = document.getElementById(el.dataset.spec);
      if (!source || typeof vegaEmbed === "undefined") { return; }
      var spec = JSON.parse(source.textContent);
      // Danish locale, label sizes and title wrapping: static/klynge/charts.js.
      window.KlyngeCharts.embed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: { PNG_ACTION: "Gem som PNG", SVG_ACTION: "Gem som SVG" },
        defaultStyle: false // its injected <style> is refused by the CSP; charts.css styles the menu
      }).then(function () {
        // vega-embed's action menu: a <summary> with only an icon gets a Danish accessible name.
        el.querySelectorAll("details").forEach(function (d) { d.title = "Hent diagrammet"; });
        el.querySelectorAll("details > summary").forEach(function (s) {
          s.setAttribute("aria-label", "Hent diagrammet som PNG eller SVG");
        });
        el.dataset.drawn = "true";
      }).catch(function (err) {
        el.textContent = "Diagrammet kunne ikke tegnes: " + err;
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
