#!/usr/bin/env node
// Extract a compact Terraform provider schema from a cdktf prebuilt provider's .jsii file.
//
//   npm install --prefix /tmp/provider-aws @cdktf/provider-aws@21.22.1
//   node tools/terraform-schema/extract.mjs /tmp/provider-aws/node_modules/@cdktf/provider-aws \
//     > tests/emit/terraform/aws-provider-schema.json
//
// Why from .jsii: it is generated from the provider's own schema (`terraform providers schema
// -json`) and is installable without Terraform. Each resource/data source class has a
// `<Class>Config` struct whose properties are the arguments (`optional` = not required);
// a property typed as another struct (or a list of them) is a nested block. Names are
// camelCase in jsii; the Terraform name is taken from the registry link in each property's
// docs (`…/docs/resources/<type>#<arg_name> …`), falling back to camelCase → snake_case.
// Computed attributes are the class's getters (minus the `…Input` mirrors).
//
// Output (stable key order):
// { "provider": "registry.terraform.io/hashicorp/aws", "version": "6.25.0",
//   "resources":    { "aws_vpc": { "arguments": { "cidr_block": false, ... },   // true = required
//                                  "blocks": { "<name>": { "required": bool, "max_one": bool,
//                                                          "arguments": {...}, "blocks": {...} } },
//                                  "attributes": [ "arn", "id", ... ] } },
//   "data_sources": { ... same ... } }
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: extract.mjs <path to @cdktf/provider-*>");
  process.exit(2);
}
const jsii = JSON.parse(fs.readFileSync(path.join(dir, ".jsii"), "utf8"));
const types = jsii.types;

const snake = (camel) => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();

// The Terraform name of a property, from its registry link.
function tfName(prop) {
  const docs = `${prop.docs?.summary ?? ""} ${prop.docs?.remarks ?? ""}`;
  const m = docs.match(/#([a-z0-9_]+) [A-Za-z0-9]+#([a-z0-9_]+)\}/);
  if (m && m[1] === m[2]) return m[1];
  return snake(prop.name);
}

// The struct a property's type names (directly, in a union, or as list element), if any.
function structOf(type) {
  if (!type) return null;
  if (type.fqn && types[type.fqn]?.datatype) return { fqn: type.fqn, maxOne: true };
  if (type.collection && type.collection.kind === "array") {
    const inner = structOf(type.collection.elementtype);
    return inner ? { fqn: inner.fqn, maxOne: false } : null;
  }
  if (type.union) {
    for (const t of type.union.types) {
      const s = structOf(t);
      if (s) return s;
    }
  }
  return null;
}

function sortObject(o) {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

function schemaOfStruct(fqn, depth = 0) {
  const arguments_ = {};
  const blocks = {};
  for (const p of types[fqn].properties ?? []) {
    const name = tfName(p);
    const s = structOf(p.type);
    if (s && depth < 8) {
      const nested = schemaOfStruct(s.fqn, depth + 1);
      blocks[name] = { required: !p.optional, max_one: s.maxOne, ...nested };
    } else {
      arguments_[name] = !p.optional;
    }
  }
  return { arguments: sortObject(arguments_), blocks: sortObject(blocks) };
}

const resources = {};
const dataSources = {};
let provider = "";
let version = "";
for (const [fqn, t] of Object.entries(types)) {
  if (t.kind !== "class") continue;
  const m = (t.docs?.summary ?? "").match(/registry\.terraform\.io\/providers\/([^/]+\/[^/]+)\/([^/]+)\/docs\/(resources|data-sources)\/([a-z0-9_]+) ([a-z0-9_]+)\}/);
  if (!m) continue;
  const config = types[`${fqn}Config`];
  if (!config) continue;
  provider = `registry.terraform.io/${m[1]}`;
  version = m[2];
  const schema = schemaOfStruct(`${fqn}Config`);
  const inputs = new Set((config.properties ?? []).map((p) => p.name));
  const attributes = new Set(Object.keys(schema.arguments).concat(Object.keys(schema.blocks)));
  for (const p of t.properties ?? []) {
    if (p.static || p.protected || p.name.endsWith("Input") || p.name === "tfResourceType") continue;
    if (!inputs.has(p.name) && p.name !== "id") {
      attributes.add(snake(p.name));
    } else if (p.name === "id") attributes.add("id");
  }
  schema.attributes = [...attributes].sort();
  (m[3] === "resources" ? resources : dataSources)[m[5]] = schema;
}

process.stdout.write(
  JSON.stringify({ provider, version, resources: sortObject(resources), data_sources: sortObject(dataSources) }) + "\n",
);
