#!/usr/bin/env node
// Validates xc model files against the model's JSON Schema (draft 2020-12) with ajv.
//
//   node tests/input/json/schema/validate.mjs [--expect-invalid] <schema.json> <model.json>...
//
// Prints one line per file, "<file>: ok" or "<file>: invalid" followed by one line per ajv
// error ("  <instancePath>: <message> (<details>)"); with --expect-invalid, the files are
// expected to be rejected. Errors that only repeat another (the template-mode alternatives of a
// value) are left out unless --all-errors. The schema itself is skipped if named as a model, so
// `validate.mjs models/xc-model.schema.json models/*.json` works. Exit status: 0 iff every file met the expectation, 1 if some did not, 2 on a usage
// error or when ajv cannot be loaded or the schema does not compile.
//
// ajv is resolved from the repository's tests/npm/node_modules (or from NODE_PATH).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = path.resolve(here, "../../../npm");

function loadModule(name) {
  const candidates = [path.join(npmDir, "node_modules"), ...(process.env.NODE_PATH ?? "").split(path.delimiter)].filter(
    (d) => d && existsSync(path.join(d, name)),
  );
  for (const dir of candidates) {
    try {
      return createRequire(path.join(dir, "noop.js"))(name);
    } catch {
      // try the next location
    }
  }
  throw new Error(
    `cannot load '${name}' from ${path.join(npmDir, "node_modules")} or NODE_PATH ` +
      `(run 'npm ci' in ${npmDir}, or scripts/setup.sh --tests)`,
  );
}

function usage(message) {
  if (message) console.error(`validate.mjs: ${message}`);
  console.error("usage: node validate.mjs [--expect-invalid] [--all-errors] <schema.json> <model.json>...");
  process.exit(2);
}

const args = process.argv.slice(2);
let expectInvalid = false;
let allErrors = false;
const positional = [];
for (const a of args) {
  if (a === "--expect-invalid") expectInvalid = true;
  else if (a === "--all-errors") allErrors = true;
  else if (a === "--help" || a === "-h") usage();
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length < 2) usage("expected a schema and at least one model file");
const [schemaFile, ...modelFiles] = positional;

let Ajv2020, addFormats;
try {
  const ajvModule = loadModule("ajv/dist/2020.js");
  Ajv2020 = ajvModule.default ?? ajvModule.Ajv2020 ?? ajvModule;
  const formatsModule = loadModule("ajv-formats");
  addFormats = formatsModule.default ?? formatsModule;
} catch (e) {
  console.error(`validate.mjs: ${e.message}`);
  process.exit(2);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

let schema, validate;
try {
  schema = readJson(schemaFile);
  // Unknown keywords and malformed tuples are errors. strictTypes and strictRequired are off:
  // the completeness overlays are applicator-only schemas that name members defined elsewhere.
  const ajv = new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTuples: true,
    strictTypes: false,
    strictRequired: false,
    verbose: true, // errors carry parentSchema, which names the definition that failed
  });
  addFormats(ajv);
  validate = ajv.compile(schema);
} catch (e) {
  console.error(`validate.mjs: ${schemaFile}: the schema does not compile: ${e.message}`);
  process.exit(2);
}

// Errors from the escape hatches of template mode (a placeholder or a null could have stood
// here) and the anyOf that offers them repeat what the concrete branch already says; they are
// hidden unless --all-errors. Definitions are recognised by identity (ajv's schemaPath restarts
// inside recursive definitions).
const defs = schema.$defs ?? {};
const escapeHatches = new Set(["textPlaceholder", "valuePlaceholder", "deleted"].map((k) => defs[k]).filter(Boolean));
const isEscapeHatch = (err) =>
  escapeHatches.has(err.parentSchema) || /#\/\$defs\/(textPlaceholder|valuePlaceholder|deleted)\//.test(err.schemaPath);

function friendlyMessage(err) {
  const inLiteral = err.parentSchema === defs.literal;
  if (inLiteral && err.keyword === "not") return "contains a {{placeholder}}, but the consumer is not template-expanded";
  if (err.keyword === "not" && err.parentSchema === defs.literal?.propertyNames)
    return "a key contains a {{placeholder}}, but the consumer is not template-expanded";
  if ((inLiteral || err.parentSchema === defs.noNull) && err.keyword === "type")
    return "null is allowed only in a service that uses a template (merge-patch deletion)";
  if (err.keyword === "false schema") return "not allowed in combination with the other members here";
  return err.message;
}

function describe(err) {
  const message = friendlyMessage(err);
  const extra = [];
  if (err.params?.additionalProperty !== undefined) extra.push(`'${err.params.additionalProperty}'`);
  if (err.params?.unevaluatedProperty !== undefined) extra.push(`'${err.params.unevaluatedProperty}'`);
  if (err.params?.propertyName !== undefined) extra.push(`key '${err.params.propertyName}'`);
  if (err.params?.allowedValues !== undefined) extra.push(JSON.stringify(err.params.allowedValues));
  const where = err.instancePath === "" ? "/" : err.instancePath;
  return `  ${where}: ${message}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

function reportable(errors) {
  if (allErrors) return errors;
  const concrete = errors.filter((e) => !isEscapeHatch(e));
  // Drop an anyOf or if/then summary when a more specific error at or below the same place exists.
  const summary = (e) => e.keyword === "anyOf" || e.keyword === "if";
  const within = (inner, outer) => inner === outer || inner.startsWith(outer + "/");
  return concrete.filter((e) => !summary(e) || !concrete.some((o) => !summary(o) && within(o.instancePath, e.instancePath)));
}

let failures = 0;
for (const file of modelFiles) {
  if (path.resolve(file) === path.resolve(schemaFile)) {
    console.log(`${file}: skipped (the schema itself)`); // so that models/*.json can be passed as is
    continue;
  }
  let model;
  try {
    model = readJson(file);
  } catch (e) {
    console.log(`${file}: unreadable: ${e.message}`);
    failures++;
    continue;
  }
  const valid = validate(model);
  if (valid) {
    console.log(`${file}: ok`);
  } else {
    console.log(`${file}: invalid`);
    const shown = reportable(validate.errors);
    for (const err of shown.length ? shown : validate.errors) console.log(describe(err));
  }
  if (valid === expectInvalid) {
    console.log(`${file}: expected ${expectInvalid ? "invalid" : "ok"}`);
    failures++;
  }
}
process.exit(failures === 0 ? 0 : 1);
