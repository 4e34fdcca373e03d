// Charts drawn by vega-embed. Every chart shares Danish numbers and dates (d3's da-DK locales, so
// "1.000", "2,5" and "april"), axis labels that read without a magnifying glass, and a title that
// wraps on a phone instead of being cut off: KlyngeCharts.embed(element, spec, options).
// <div class="klynge-chart" data-vega-spec="id-of-a-json_script"> is drawn on page load; with
// data-vega-export it gets a Danish menu to save it as PNG or SVG (the quality pages). A page with
// charts includes klynge/_charts.html for Vega itself.
(function () {
  const formatLocale = { decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr."] };
  const timeFormatLocale = {
    dateTime: "%A den %d. %B %Y %X",
    date: "%d.%m.%Y",
    time: "%H.%M.%S",
    periods: ["", ""],
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    months: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"],
    shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
  };
  const TITLE_SIZE = 16;
  const config = {
    font: '"IBM Plex Sans", "DejaVu Sans", Arial, sans-serif',
    axis: { labelFontSize: 13, titleFontSize: 14, titleFontWeight: 600, labelColor: "#1a1a1a", titleColor: "#1a1a1a" },
    legend: { labelFontSize: 13, titleFontSize: 13, symbolSize: 120 },
    title: { fontSize: TITLE_SIZE, fontWeight: 600, anchor: "start", color: "#1a1a1a" },
  };

  // Splits a title into lines that fit the chart's width (a Vega title may be a list of lines).
  function wrapTitle(spec, width) {
    const title = spec.title;
    const text = typeof title === "string" ? title : title && title.text;
    if (typeof text !== "string" || !width) return spec;
    const perLine = Math.max(16, Math.floor(width / (TITLE_SIZE * 0.58)));
    if (text.length <= perLine) return spec;
    const lines = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      if (line && (line + " " + word).length > perLine) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    }
    if (line) lines.push(line);
    return { ...spec, title: { ...(typeof title === "object" ? title : {}), text: lines } };
  }

  function embed(element, spec, options) {
    const width = element.clientWidth || element.parentElement?.clientWidth || 0;
    return window.vegaEmbed(element, wrapTitle(spec, width), {
      renderer: "svg",
      ast: true, // expressions are interpreted, not eval()ed: the pages run under a strict CSP
      actions: false,
      ...options,
      config: { ...config, ...(options && options.config) },
      formatLocale,
      timeFormatLocale,
    });
  }

  const EXPORT_MENU = {
    actions: { export: true, source: false, compiled: false, editor: false },
    i18n: { PNG_ACTION: "Gem som PNG", SVG_ACTION: "Gem som SVG" },
    defaultStyle: false, // its injected <style> is refused by the CSP; quality/charts.css styles the menu
  };

  // vega-embed's action menu: a <summary> with only an icon gets a Danish accessible name.
  function nameExportMenu(element) {
    element.querySelectorAll("details").forEach((d) => {
      d.title = "Hent diagrammet";
    });
    element.querySelectorAll("details > summary").forEach((s) => {
      s.setAttribute("aria-label", "Hent diagrammet som PNG eller SVG");
    });
  }

  window.KlyngeCharts = { embed, wrapTitle, formatLocale, timeFormatLocale };

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("[data-vega-spec]").forEach((element) => {
      const source = document.getElementById(element.dataset.vegaSpec);
      if (!source) return;
      const exportable = "vegaExport" in element.dataset;
      embed(element, JSON.parse(source.textContent), exportable ? EXPORT_MENU : {})
        .then(() => {
          if (exportable) nameExportMenu(element);
          element.dataset.drawn = "true";
        })
        .catch((error) => {
          if (exportable) element.textContent = "Diagrammet kunne ikke tegnes: " + error;
          else element.hidden = true;
        });
    });
  });
})();
