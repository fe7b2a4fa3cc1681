#!/usr/bin/env node
// Registry-schema checks for emitted CloudFormation templates, every template in one process
// (loading the registry database takes ~1 s). The schema is @aws-cdk/aws-service-spec's
// db.json.gz: every CloudFormation resource type with its properties (types, required flags)
// and GetAtt attributes, generated from the CloudFormation registry.
//
// For every */template.json under ROOT:
//  * template sections; Parameters types; every resource's Type exists (Custom::* is a custom
//    resource: ServiceToken required, other properties free, any attribute);
//  * every property name exists, recursively through nested property types; required
//    properties are present; arrays/objects/scalars where the schema says so;
//  * intrinsics: Ref targets a parameter, resource or pseudo parameter; Fn::GetAtt names a
//    resource and an attribute its type has; Fn::Sub variables resolve; Fn::Join/Fn::Select
//    are well formed; DependsOn names resources; no other intrinsic is used;
//  * AWS::Lambda::Function Code may be a local path (what `aws cloudformation package`
//    uploads): checked as the {S3Bucket, S3Key} that package writes, and listed as an artifact.
//
//   node check_templates.mjs NPM_DIR ROOT -> {"files": {"<rel>": {"errors": [...], "artifacts": [...]}}}
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [npmDir, root] = process.argv.slice(2);
if (!npmDir || !root) {
  console.error("usage: check_templates.mjs NPM_DIR ROOT");
  process.exit(2);
}
const dbPath = path.join(path.resolve(npmDir), "node_modules/@aws-cdk/aws-service-spec/db.json.gz");
const db = JSON.parse(zlib.gunzipSync(fs.readFileSync(dbPath)));
const resources = new Map();
for (const r of Object.values(db.schema.resource.entities)) resources.set(r.cloudFormationType, r);
const types = new Map();
for (const t of Object.values(db.schema.typeDefinition.entities)) types.set(t.$id, t);

const PSEUDO = new Set(["AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
  "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"]);
const PARAM_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;

function templates(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...templates(p));
    else if (e.name === "template.json") out.push(p);
  }
  return out;
}

const isIntrinsic = (v) => v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 &&
  (Object.keys(v)[0] === "Ref" || Object.keys(v)[0].startsWith("Fn::"));

function checkFile(t) {
  const errors = [];
  const artifacts = [];
  for (const k of Object.keys(t))
    if (!["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Resources", "Outputs", "Mappings", "Conditions", "Transform"].includes(k))
      errors.push(`unknown template section ${k}`);
  if (t.AWSTemplateFormatVersion !== "2010-09-09") errors.push("AWSTemplateFormatVersion must be 2010-09-09");
  if (typeof t.Description === "string" && Buffer.byteLength(t.Description) > 1024) errors.push("Description longer than 1024 bytes");
  const params = t.Parameters ?? {};
  const res = t.Resources ?? {};
  if (Object.keys(res).length === 0) errors.push("no Resources");
  for (const [id, p] of Object.entries(params)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) errors.push(`parameter id ${id} is not alphanumeric`);
    if (!PARAM_TYPES.test(p.Type ?? "")) errors.push(`parameter ${id}: bad Type ${p.Type}`);
    for (const k of Object.keys(p))
      if (!["Type", "Description", "Default", "AllowedPattern", "AllowedValues", "ConstraintDescription", "NoEcho", "MinLength", "MaxLength"].includes(k))
        errors.push(`parameter ${id}: unknown key ${k}`);
    if (p.AllowedPattern !== undefined && p.Default !== undefined && !new RegExp(p.AllowedPattern).test(p.Default))
      errors.push(`parameter ${id}: Default does not match AllowedPattern`);
  }

  const typeOf = (id) => res[id]?.Type;
  const attributesOf = (id) => {
    const ty = typeOf(id);
    if (!ty) return null;
    if (ty.startsWith("Custom::")) return "*";
    return Object.keys(resources.get(ty)?.attributes ?? {});
  };

  // Intrinsic functions: returns true if v was one (and checked it).
  function intrinsic(v, where) {
    if (!isIntrinsic(v)) return false;
    const [fn] = Object.keys(v);
    const arg = v[fn];
    switch (fn) {
      case "Ref":
        if (typeof arg !== "string") errors.push(`${where}: Ref takes a name`);
        else if (!(arg in params) && !(arg in res) && !PSEUDO.has(arg)) errors.push(`${where}: Ref to unknown ${arg}`);
        break;
      case "Fn::GetAtt": {
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string" || typeof arg[1] !== "string") {
          errors.push(`${where}: Fn::GetAtt takes [logicalId, attribute]`);
          break;
        }
        const attrs = attributesOf(arg[0]);
        if (attrs === null) errors.push(`${where}: Fn::GetAtt of unknown resource ${arg[0]}`);
        else if (attrs !== "*" && !attrs.includes(arg[1])) errors.push(`${where}: ${typeOf(arg[0])} has no attribute ${arg[1]} (has ${attrs.join(", ")})`);
        break;
      }
      case "Fn::Join":
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string") errors.push(`${where}: Fn::Join takes [delimiter, list]`);
        else if (Array.isArray(arg[1])) arg[1].forEach((x, i) => { if (!intrinsic(x, `${where}/Fn::Join/${i}`) && typeof x !== "string") errors.push(`${where}: Fn::Join part ${i} is not a string`); });
        else if (!intrinsic(arg[1], `${where}/Fn::Join`)) errors.push(`${where}: Fn::Join needs a list`);
        break;
      case "Fn::Select":
        if (!Array.isArray(arg) || arg.length !== 2 || !Number.isInteger(Number(arg[0]))) errors.push(`${where}: Fn::Select takes [index, list]`);
        else if (!Array.isArray(arg[1]) && !intrinsic(arg[1], `${where}/Fn::Select`)) errors.push(`${where}: Fn::Select needs a list`);
        break;
      case "Fn::Sub": {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        if (typeof text !== "string") { errors.push(`${where}: Fn::Sub takes a string`); break; }
        for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = m[1].split(".")[0];
          if (!(m[1] in (vars ?? {})) && !(name in params) && !(name in res) && !PSEUDO.has(m[1]))
            errors.push(`${where}: Fn::Sub variable \${${m[1]}} resolves to nothing`);
        }
        break;
      }
      default:
        errors.push(`${where}: unexpected intrinsic ${fn}`);
    }
    return true;
  }
  // Intrinsics anywhere in a free-form (json) value.
  function walk(v, where) {
    if (intrinsic(v, where)) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}/${i}`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${where}/${k}`);
  }

  // A value against a property type; returns the errors (not pushed: unions try alternatives).
  function check(v, type, where) {
    const errs = [];
    const saved = errors.length;
    if (intrinsic(v, where)) return errors.splice(saved);
    switch (type.type) {
      case "string": case "number": case "integer": case "boolean": case "date-time":
        if (v === null || typeof v === "object") errs.push(`${where}: expected a ${type.type}, got ${Array.isArray(v) ? "array" : typeof v}`);
        if (type.type === "integer" || type.type === "number") if (typeof v === "string" && isNaN(Number(v))) errs.push(`${where}: not a number`);
        break;
      case "json":
        walk(v, where);
        break;
      case "array":
        if (!Array.isArray(v)) errs.push(`${where}: expected an array`);
        else v.forEach((x, i) => errs.push(...check(x, type.element, `${where}/${i}`)));
        break;
      case "map":
        if (!v || typeof v !== "object" || Array.isArray(v)) errs.push(`${where}: expected an object (map)`);
        else for (const [k, x] of Object.entries(v)) errs.push(...check(x, type.element, `${where}/${k}`));
        break;
      case "tag":
        errs.push(...object(v, { Key: { type: { type: "string" }, required: true }, Value: { type: { type: "string" }, required: true } }, where));
        break;
      case "ref":
        errs.push(...object(v, types.get(type.reference.$ref).properties, where));
        break;
      case "union": {
        let best = null;
        for (const alt of type.types) {
          const e = check(v, alt, where);
          if (e.length === 0) { best = []; break; }
          if (!best || e.length < best.length) best = e;
        }
        errs.push(...best);
        break;
      }
      case "null":
        if (v !== null) errs.push(`${where}: expected null`);
        break;
      default:
        errs.push(`${where}: unknown schema type ${type.type}`);
    }
    errs.push(...errors.splice(saved));
    return errs;
  }
  function object(v, props, where) {
    const errs = [];
    if (!v || typeof v !== "object" || Array.isArray(v)) return [`${where}: expected an object`];
    for (const [k, x] of Object.entries(v)) {
      if (!(k in props)) errs.push(`${where}: no property ${k} (has ${Object.keys(props).join(", ")})`);
      else errs.push(...check(x, props[k].type, `${where}/${k}`));
    }
    for (const [k, p] of Object.entries(props)) if (p.required && !(k in v)) errs.push(`${where}: required property ${k} missing`);
    return errs;
  }

  for (const [id, r] of Object.entries(res)) {
    const where = `Resources/${id}`;
    if (!/^[A-Za-z0-9]+$/.test(id)) errors.push(`${where}: logical id is not alphanumeric`);
    if (id in params) errors.push(`${where}: logical id also names a parameter`);
    for (const k of Object.keys(r))
      if (!["Type", "Properties", "DependsOn", "Metadata", "DeletionPolicy", "UpdateReplacePolicy", "Condition"].includes(k)) errors.push(`${where}: unknown key ${k}`);
    const deps = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    for (const d of deps) if (!(d in res)) errors.push(`${where}: DependsOn unknown resource ${d}`);
    const props = { ...(r.Properties ?? {}) };
    if (typeof r.Type === "string" && r.Type.startsWith("Custom::")) {
      if (!("ServiceToken" in props)) errors.push(`${where}: custom resource without ServiceToken`);
      walk(props, `${where}/Properties`);
      continue;
    }
    const spec = resources.get(r.Type);
    if (!spec) { errors.push(`${where}: resource type ${r.Type} is not in the CloudFormation registry`); continue; }
    if (r.Type === "AWS::Lambda::Function" && typeof props.Code === "string") {
      artifacts.push({ resource: id, path: props.Code });
      props.Code = { S3Bucket: "packaged-by-aws-cloudformation-package", S3Key: "0123456789abcdef" };
    }
    errors.push(...object(props, spec.properties, `${where}/Properties`));
  }
  for (const [id, o] of Object.entries(t.Outputs ?? {})) {
    if (!/^[A-Za-z0-9]+$/.test(id)) errors.push(`Outputs/${id}: id is not alphanumeric`);
    if (!("Value" in o)) errors.push(`Outputs/${id}: no Value`);
    walk(o.Value, `Outputs/${id}/Value`);
  }
  return { errors, artifacts };
}

const files = {};
for (const file of templates(root)) {
  const rel = path.relative(root, file);
  try {
    files[rel] = checkFile(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (e) {
    files[rel] = { errors: [`cannot check: ${e?.message ?? e}`], artifacts: [] };
  }
}
process.stdout.write(JSON.stringify({ files }));
