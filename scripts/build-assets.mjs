// Copies the front-end packages Klynge serves into src/klynge/static/vendor.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "src", "klynge", "static", "vendor");

const copies = [
  ["dkfds/dist/css/dkfds.min.css", "dkfds/css/dkfds.min.css"],
  ["dkfds/dist/js/dkfds.min.js", "dkfds/js/dkfds.min.js"],
  // Every font file the stylesheet names must exist, or collectstatic's manifest refuses the CSS.
  ["dkfds/dist/fonts/IBMPlexSans/complete", "dkfds/fonts/IBMPlexSans/complete"],
  ["dkfds/dist/img", "dkfds/img"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["vega/build/vega.min.js", "vega/vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"],
  ["axe-core/axe.min.js", "axe/axe.min.js"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of copies) {
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target, { recursive: true });
  // Source maps that a file names must exist too (collectstatic's manifest follows the reference).
  if (existsSync(join(modules, `${from}.map`))) cpSync(join(modules, `${from}.map`), `${target}.map`);
}
console.log(`assets copied to ${vendor}`);
