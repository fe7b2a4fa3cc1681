// Test and bench harness: dynalite + a Lambda Runtime API emulator + the functions under test.
//
//   node lambda_harness.js CONFIG.json
//   CONFIG: {"npmDir": ".../tests/npm/node_modules", "tables": [<CreateTable request>...],
//            "functions": [{"name", "command": [argv...], "processes": n, "env": {...}}]}
// Prints one line, {"control": port, "dynamodb": port}, when ready; exits (killing every child)
// when its stdin closes, so a crashed test cannot leave processes behind. Everything binds
// to 127.0.0.1 on ports the kernel picks.
//
// Control API (plain HTTP, always with Content-Length):
//   POST /invoke/<fn>       body = event -> {"kind": "response"|"error", "payload": string}
//   POST /coldstart/<fn>    body = event -> spawns a fresh process, queues the event, answers
//                           {"kind", "payload", "ms": spawn->response, "rssKb": peak RSS}
//   POST /dynamodb/<Op>     body = request -> dynalite's answer {"status", "body"}
//   GET  /stats             -> {"<fn>": {"exits", "initErrors", "invocationErrors", "stderr",
//                                        "rssKb": [peak RSS of each live process]}}
// Every /invoke answer also carries "timing" (milliseconds, this process's clock), so that a
// bench can tell where an invocation's time went: "queued" (control request -> event handed
// out on /next), "duration" (event handed out -> result posted: what Lambda bills as Duration),
// "db" and "dbCount" (dynalite's own time serving the requests that fell within "duration"),
// "gc" (this process's garbage collection pauses within the whole invocation).
'use strict';
const http = require('http');
const fs = require('fs');
const { spawn } = require('child_process');
const crypto = require('crypto');
const { PerformanceObserver, performance } = require('perf_hooks');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const dynalite = require(config.npmDir + '/dynalite');
const aws4 = require(config.npmDir + '/aws4');

const children = new Set();
function killAll() { for (const c of children) { try { c.kill('SIGKILL'); } catch (e) {} } }
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}
function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
function reply(res, status, obj, headers) {
  const body = typeof obj === 'string' ? obj : JSON.stringify(obj);
  res.writeHead(status, Object.assign({ 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }, headers || {}));
  res.end(body);
}

let dynamoPort = 0;
// Intervals [start, end] (performance.now() ms) of dynalite's requests and of this process's GC
// pauses, recent ones only: an invocation looks up those that fall within it.
const dbLog = [];
const gcLog = [];
function keepRecent(log) { if (log.length > 4096) log.splice(0, log.length - 2048); }
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcLog.push([e.startTime, e.startTime + e.duration]);
  keepRecent(gcLog);
}).observe({ entryTypes: ['gc'] });
function overlap(log, from, to) {
  let total = 0, count = 0;
  for (const [a, b] of log) {
    const lo = Math.max(a, from), hi = Math.min(b, to);
    if (hi > lo) { total += hi - lo; ++count; }
  }
  return [total, count];
}
function dynamo(op, body) {
  const opts = { host: '127.0.0.1', port: dynamoPort, path: '/', method: 'POST', service: 'dynamodb', region: 'us-east-1', body,
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.' + op } };
  aws4.sign(opts, { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' });
  return new Promise((resolve, reject) => {
    const req = http.request(opts, (res) => readBody(res).then((b) => resolve({ status: res.statusCode, body: b })));
    req.on('error', reject);
    req.end(body);
  });
}

// One Runtime API server per function: processes long-poll /next, events wait in a queue.
class Fn {
  constructor(spec) {
    this.spec = spec; this.queue = []; this.waiting = []; this.pending = new Map();
    this.stats = { exits: 0, initErrors: 0, invocationErrors: 0, stderr: '' };
    this.live = new Set();
  }
  async start() {
    this.server = http.createServer((req, res) => this.runtimeApi(req, res).catch((e) => reply(res, 500, { error: String(e) })));
    this.server.keepAliveTimeout = 0;
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.port = await listen(this.server);
    for (let i = 0; i < (this.spec.processes || 1); ++i) this.spawnProcess();
  }
  spawnProcess() {
    const env = Object.assign({}, process.env, this.spec.env || {}, {
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:' + this.port,
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:' + dynamoPort,
      AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
    });
    for (const [k, v] of Object.entries(this.spec.env || {})) if (v === null) delete env[k];
    const child = spawn(this.spec.command[0], this.spec.command.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    this.live.add(child);
    child.stderr.on('data', (d) => { this.stats.stderr = (this.stats.stderr + d.toString()).slice(-20000); });
    child.on('exit', () => { children.delete(child); this.live.delete(child); if (!child.expectedExit) this.stats.exits++; });
    return child;
  }
  invoke(event, timeoutMs) {
    const id = crypto.randomUUID();
    const job = { id, event, queuedAt: performance.now(), handedAt: 0 };
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.pending.delete(id); resolve({ kind: 'timeout', payload: '' }); }, timeoutMs || 30000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        const done = performance.now();
        const [db, dbCount] = overlap(dbLog, job.handedAt, done);
        r.timing = { queued: job.handedAt - job.queuedAt, duration: done - job.handedAt, db, dbCount,
                     gc: overlap(gcLog, job.queuedAt, done)[0] };
        resolve(r);
      });
      const waiter = this.waiting.shift();
      if (waiter) waiter(job); else this.queue.push(job);
    });
  }
  async runtimeApi(req, res) {
    const m = req.url.match(/^\/2018-06-01\/runtime\/(invocation\/next|invocation\/([^/]+)\/(response|error)|init\/error)$/);
    if (!m) return reply(res, 404, { errorMessage: 'unknown path ' + req.url });
    const body = await readBody(req);
    if (m[1] === 'invocation/next') {
      const job = this.queue.shift() || await new Promise((r) => this.waiting.push(r));
      job.handedAt = performance.now();
      return reply(res, 200, job.event, {
        'Lambda-Runtime-Aws-Request-Id': job.id,
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + 30000),
        'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:' + this.spec.name,
        'Lambda-Runtime-Trace-Id': 'Root=1-00000000-000000000000000000000000',
      });
    }
    if (m[1] === 'init/error') { this.stats.initErrors++; return reply(res, 202, { status: 'OK' }); }
    const done = this.pending.get(m[2]);
    if (!done) return reply(res, 400, { errorMessage: 'unknown request id' });
    this.pending.delete(m[2]);
    if (m[3] === 'error') this.stats.invocationErrors++;
    done({ kind: m[3], payload: body });
    return reply(res, 202, { status: 'OK' });
  }
}

function peakRssKb(pid) {
  try { const m = fs.readFileSync('/proc/' + pid + '/status', 'utf8').match(/VmHWM:\s+(\d+)/); return m ? Number(m[1]) : 0; }
  catch (e) { return 0; }
}

async function main() {
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  db.prependListener('request', (req, res) => {
    const start = performance.now();
    res.on('finish', () => { dbLog.push([start, performance.now()]); keepRecent(dbLog); });
  });
  dynamoPort = await listen(db);
  for (const t of config.tables || []) {
    const r = await dynamo('CreateTable', JSON.stringify(t));
    if (r.status !== 200) throw new Error('CreateTable failed: ' + r.body);
  }
  const fns = {};
  for (const spec of config.functions || []) { fns[spec.name] = new Fn(spec); await fns[spec.name].start(); }

  const control = http.createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      let m;
      if ((m = req.url.match(/^\/invoke\/(.+)$/)) && fns[m[1]]) return reply(res, 200, await fns[m[1]].invoke(body));
      if ((m = req.url.match(/^\/coldstart\/(.+)$/)) && fns[m[1]]) {
        // A fresh Runtime API of its own, so that no warm process can take the event.
        const fn = new Fn(Object.assign({}, fns[m[1]].spec, { processes: 0 }));
        await fn.start();
        const start = process.hrtime.bigint();
        const child = fn.spawnProcess();
        child.expectedExit = true;
        const result = await fn.invoke(body);
        result.ms = Number(process.hrtime.bigint() - start) / 1e6;
        result.rssKb = peakRssKb(child.pid);
        child.kill('SIGKILL');
        fn.server.close();
        return reply(res, 200, result);
      }
      if ((m = req.url.match(/^\/dynamodb\/(\w+)$/))) return reply(res, 200, await dynamo(m[1], body));
      if (req.url === '/stats') {
        const out = {};
        for (const [k, f] of Object.entries(fns)) out[k] = Object.assign({ rssKb: [...f.live].map((c) => peakRssKb(c.pid)) }, f.stats);
        return reply(res, 200, out);
      }
      reply(res, 404, { error: 'unknown ' + req.url });
    } catch (e) { reply(res, 500, { error: String(e && e.stack || e) }); }
  });
  control.keepAliveTimeout = 0;
  const controlPort = await listen(control);
  process.stdout.write(JSON.stringify({ control: controlPort, dynamodb: dynamoPort }) + '\n');
}
main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
