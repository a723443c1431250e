// The licence of every npm package that ships in the app (ui/dist embeds the UI's runtime
// dependencies, not its build tools) must be one deny.toml allows for the Rust crates.
// Offline: reads ui/package-lock.json, whose entries carry each package's declared licence.
// Dev-only packages (vite, eslint, vitest, …) never reach users and are not checked.
import { readFileSync } from "node:fs";

// AGPL-3.0 (-only): Edifice's own packages (@edifice.io/tiptap-extensions, the ENT's editor);
// combined with Messagerie's AGPL-3.0-or-later, the app is distributed under AGPL-3.0.
// BlueOak-1.0.0 and Python-2.0 are permissive; they come with the build tools that
// @edifice.io/tiptap-extensions declares as dependencies (vite, vite-plugin-dts), which the
// lockfile cannot tell from what ships.
const ALLOWED = new Set(["MIT", "MIT-0", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC",
  "0BSD", "Zlib", "CC0-1.0", "Unlicense", "MPL-2.0", "AGPL-3.0", "AGPL-3.0-only",
  "AGPL-3.0-or-later", "BlueOak-1.0.0", "Python-2.0"]);

const lock = JSON.parse(readFileSync(new URL("../ui/package-lock.json", import.meta.url), "utf8"));
// An SPDX expression without AND passes when one of its OR choices is allowed.
const ok = (licence) =>
  typeof licence === "string" && !/\bAND\b|\bWITH\b/.test(licence) &&
  licence.replace(/[()]/g, "").split(/\s+OR\s+/).some((l) => ALLOWED.has(l.trim()));

const shipped = Object.entries(lock.packages).filter(([path, p]) => path && !p.dev);
const refused = shipped.filter(([, p]) => !ok(p.license));
for (const [path, p] of refused) {
  console.error(`${path}: licence ${p.license ?? "(none declared)"} is not allowed (scripts/npm-licenses.mjs)`);
}
if (refused.length) process.exit(1);
console.log(`npm licences ok: ${shipped.length} shipped packages`);
