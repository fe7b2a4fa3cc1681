#!/usr/bin/env node
// HashiCorp's HCL parser (hcl/v2 in @cdktf/hcl2json, wasm) over many files in one process
// (its start-up costs ~0.4 s; each parse then takes milliseconds).
//
//   node hcl2json_lines.js NPM_DIR LIST_FILE  ->  one JSON line per file listed (one path a line):
//   {"file": path, "ok": true, "tree": <hcl2json's JSON>}  or  {"file": path, "ok": false, "error": "..."}
//   node hcl2json_lines.js NPM_DIR LIST_FILE --time  ->  {"files": n, "bytes": b, "seconds": s}
//   (parse time only, after one warm-up parse: for bench/hcl)
// Files are read as UTF-8 (the differential corpus is valid UTF-8, so offsets are preserved).
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const [npmDir, listFile, mode] = process.argv.slice(2);
if (!npmDir || !listFile) {
  console.error("usage: hcl2json_lines.js NPM_DIR LIST_FILE");
  process.exit(2);
}
const hcl2json = createRequire(path.join(path.resolve(npmDir), "package.json"))("@cdktf/hcl2json");

(async () => {
  const files = fs.readFileSync(listFile, "utf8").split("\n").filter((l) => l.length > 0);
  if (mode === "--time") {
    const texts = files.map((f) => fs.readFileSync(f, "utf8"));
    await hcl2json.parse("warm-up.tf", "a = 1\n");
    let bytes = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < texts.length; ++i) {
      try {
        await hcl2json.parse(path.basename(files[i]), texts[i]);
      } catch (e) {
        // rejected: timed all the same
      }
      bytes += Buffer.byteLength(texts[i]);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    fs.writeSync(1, JSON.stringify({ files: texts.length, bytes, seconds }) + "\n");
    return;
  }
  const out = [];
  for (const file of files) {
    const src = fs.readFileSync(file, "utf8");
    try {
      const tree = await hcl2json.parse(path.basename(file), src);
      out.push(JSON.stringify({ file, ok: true, tree }));
    } catch (e) {
      out.push(JSON.stringify({ file, ok: false, error: String(e && e.message ? e.message : e) }));
    }
  }
  fs.writeSync(1, out.join("\n") + "\n");
})().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
