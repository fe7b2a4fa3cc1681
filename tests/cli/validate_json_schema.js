// Validate JSON documents against a JSON Schema (draft-04 or draft-07), for xc's tests.
//   node validate_json_schema.js NPM_DIR SCHEMA DOCUMENT...
// Exit 0 when every document is valid; 1 with ajv's errors otherwise; 2 on a usage problem.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [npmDir, schemaFile, ...documents] = process.argv.slice(2);
if (!npmDir || !schemaFile || documents.length === 0) {
  console.error('usage: node validate_json_schema.js NPM_DIR SCHEMA DOCUMENT...');
  process.exit(2);
}
const requireFromNpm = createRequire(path.join(path.resolve(npmDir), 'package.json'));
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
const draft04 = String(schema.$schema || '').includes('draft-04');
// SARIF's official schema is draft-04 (ajv 8 needs its draft-04 class); xc's own are draft-07.
const Ajv = draft04 ? requireFromNpm('ajv-draft-04') : requireFromNpm('ajv').default;
const addFormats = requireFromNpm('ajv-formats');
// unicodeRegExp off: the SARIF schema's "language" pattern has a stray ']' that only the u flag rejects.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let failed = 0;
for (const file of documents) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!validate(data)) {
    failed++;
    console.error(`${file}: invalid against ${schemaFile}:`);
    for (const e of validate.errors) console.error(`  ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`);
  }
}
process.exit(failed ? 1 : 0);
