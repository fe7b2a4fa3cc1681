#!/usr/bin/env node
// HCL checks for emitted Terraform, all files in one process (the wasm checkers take ~0.4 s
// to start): for every *.tf under ROOT, HashiCorp's formatter must leave it unchanged
// (@cdktf/hcl-tools format = hclwrite.Format) and HashiCorp's HCL parser must accept it
// (@cdktf/hcl2json); every expression's references are listed (getReferencesInExpression
// understands templates, so "$${...}" is not a reference).
//
//   node check_hcl.mjs NPM_DIR ROOT  ->  JSON on stdout:
//   { "files": { "<relative path>": { "format_ok": bool, "format_diff": {line, expected, actual} | null,
//                                      "error": string | null, "parsed": {...} | null,
//                                      "references": [ "aws_vpc.main.id", ... ] } } }
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [npmDir, root] = process.argv.slice(2);
if (!npmDir || !root) {
  console.error("usage: check_hcl.mjs NPM_DIR ROOT");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(npmDir), "package.json"));
const hcl2json = require("@cdktf/hcl2json");
const { format } = require("@cdktf/hcl-tools");

function tfFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tfFiles(p));
    else if (e.name.endsWith(".tf")) out.push(p);
  }
  return out;
}

function strings(v, out) {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => strings(x, out));
  return out;
}

const files = {};
for (const file of tfFiles(root)) {
  const rel = path.relative(root, file);
  const src = fs.readFileSync(file, "utf8");
  const result = { format_ok: false, format_diff: null, error: null, parsed: null, references: [] };
  try {
    const formatted = await format(src);
    result.format_ok = formatted === src;
    if (!result.format_ok) {
      const a = src.split("\n");
      const b = formatted.split("\n");
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      result.format_diff = { line: i + 1, expected: b[i] ?? "<end of file>", actual: a[i] ?? "<end of file>" };
    }
  } catch (e) {
    result.error = `format: ${e?.message ?? e}`;
  }
  try {
    result.parsed = await hcl2json.parse(rel, src);
    const refs = new Set();
    for (const s of strings(result.parsed, [])) {
      if (!s.includes("${")) continue;
      for (const r of await hcl2json.getReferencesInExpression(rel, s)) refs.add(r.value);
    }
    result.references = [...refs].sort();
  } catch (e) {
    result.error = (result.error ? result.error + "; " : "") + `parse: ${e?.message ?? e}`;
  }
  files[rel] = result;
}
process.stdout.write(JSON.stringify({ files }));
