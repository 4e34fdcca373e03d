// Draws the report's Vega-Lite chart; the spec sits in a json_script element named by data-vega-spec.
// `ast: true` makes Vega interpret expressions instead of compiling them with eval, which the
// Content-Security-Policy forbids.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.vegaEmbed !== "function") return;
  document.querySelectorAll("[data-vega-spec]").forEach((element) => {
    const source = document.getElementById(element.dataset.vegaSpec);
    if (!source) return;
    window
      .vegaEmbed(element, JSON.parse(source.textContent), { actions: false, renderer: "svg", ast: true })
      .then(() => {
        element.dataset.drawn = "true";
      })
      .catch(() => {
        element.hidden = true;
      });
  });
});
