// Every `§n` the code cites must exist in the document it points to: docs/protocol.md (the ENT
// protocol), or docs/communication-rules.md for crates/ent-directory (where « ent-api §n » is
// the protocol again). `§a.b` names section a.b, or item b of section a (`§12.8`); `§a.b.c`
// names item c of section a.b. RFC sections (« RFC 6749 §4.1.2 ») are not ours and are skipped.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function sections(file) {
  const ids = new Map(); // "4.9" → Set of item numbers written in that section
  let current = null;
  for (const line of readFileSync(join(root, file), "utf8").split("\n")) {
    const heading = /^#{2,3} (\d+(?:\.\d+)*)\.? /.exec(line);
    if (heading) {
      current = new Set();
      ids.set(heading[1], current);
      continue;
    }
    const item = /^\s*(\d+)\. /.exec(line);
    if (item && current) current.add(item[1]);
  }
  return ids;
}

function resolves(ids, cited) {
  if (ids.has(cited)) return true;
  const parts = cited.split(".");
  const item = parts.pop();
  return ids.get(parts.join("."))?.has(item) ?? false;
}

const docs = {
  protocol: sections("docs/protocol.md"),
  rules: sections("docs/communication-rules.md"),
};

function* files(dir) {
  for (const name of readdirSync(join(root, dir))) {
    if (name === "node_modules" || name === "target" || name === "bindings") continue;
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) yield* files(path);
    else if (/\.(rs|md|ts|tsx)$/.test(name)) yield path;
  }
}

let broken = 0;
let checked = 0;
for (const dir of ["crates", "src-tauri/src", "tests", "ui/src"]) {
  for (const file of files(dir)) {
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(/(RFC ?\d+,? )?(ent-api )?§(\d+(?:\.\d+)*)/g)) {
      if (m[1]) continue;
      const rules = file.startsWith("crates/ent-directory/") && !m[2];
      const ids = rules ? docs.rules : docs.protocol;
      checked += 1;
      if (!resolves(ids, m[3])) {
        const line = text.slice(0, m.index).split("\n").length;
        const doc = rules ? "docs/communication-rules.md" : "docs/protocol.md";
        console.error(`${relative(root, join(root, file))}:${line}: §${m[3]} is not in ${doc}`);
        broken += 1;
      }
    }
  }
}
if (broken) process.exit(1);
console.log(`§ citations ok: ${checked} resolve`);
