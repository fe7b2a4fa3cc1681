// Independent SigV4 for the byte-for-byte test: signs a DynamoDB request (or, with "service":
// "execute-api", an API call: method, path, query) with aws4 and with @smithy/signature-v4 from
// the same fixed inputs the C++ tool gets.
//   node sigv4_reference.js NPM_NODE_MODULES < input.json  ->  {"aws4": auth, "smithy": auth}
'use strict';
const fs = require('fs');
const npm = process.argv[2];
const aws4 = require(npm + '/aws4');
const { SignatureV4 } = require(npm + '/@smithy/signature-v4');
const { Sha256 } = require(npm + '/@aws-crypto/sha256-js');

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const executeApi = input.service === 'execute-api';  // an API call (method, path, query) instead of DynamoDB
const d = input.amzDate;  // YYYYMMDDTHHMMSSZ
const date = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)));
const credentials = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };
if (input.sessionToken) credentials.sessionToken = input.sessionToken;
const headers = executeApi ? (input.body ? { 'Content-Type': 'application/json' } : {})
  : { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.' + input.operation };
const service = executeApi ? 'execute-api' : 'dynamodb';
const method = executeApi ? input.method : 'POST';
const query = executeApi ? (input.query || []) : [];  // names and values of unreserved characters only
const search = query.map(([k, v]) => k + '=' + v).join('&');

const opts = { host: input.host, path: input.path + (search ? '?' + search : ''), method, service, region: input.region, body: input.body,
  headers: Object.assign({ 'X-Amz-Date': d }, headers), extraHeadersToIgnore: { 'content-length': true } };
aws4.sign(opts, credentials);

(async () => {
  const signer = new SignatureV4({ service, region: input.region, credentials, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign({ method, protocol: 'http:', hostname: input.host, path: input.path, query: Object.fromEntries(query),
    headers: Object.assign({ host: input.host }, headers), body: input.body }, { signingDate: date });
  process.stdout.write(JSON.stringify({ aws4: opts.headers.Authorization, smithy: signed.headers.authorization }) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
