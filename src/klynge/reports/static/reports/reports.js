// Draws the report's Vega-Lite chart; the spec sits in a json_script element named by data-vega-spec.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.vegaEmbed !== "function") return;
  document.querySelectorAll("[data-vega-spec]").forEach((element) => {
    const source = document.getElementById(element.dataset.vegaSpec);
    if (!source) return;
    window.vegaEmbed(element, JSON.parse(source.textContent), { actions: false, renderer: "svg" }).catch(() => {
      element.hidden = true;
    });
  });
});
