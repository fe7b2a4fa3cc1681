"""Diagnostic, not part of the build: instrument the emitted handlers to time each request
inside the handler process (how the lambda bench's warm tail was traced to the stand-in).

    python3 bench/lambda/trace/instrument.py   # edits include/xc/emit/lambda/support_files.hpp
    rebuild xc_lambda_bench; XC_TRACE_FILE=/tmp/trace.txt build/bench/lambda/xc_lambda_bench 2000
    python3 bench/lambda/trace/analyze.py /tmp/trace.txt
    git checkout include/xc/emit/lambda/support_files.hpp   # never commit the instrumented code

With XC_TRACE_FILE set, each C++ invocation appends one line: for each point (dbstart, dbdone,
handled, posted) the microseconds since the event arrived, the process's CPU microseconds, and
its involuntary and voluntary context switches since then; and libcurl's view of the DynamoDB
request (new connections, pretransfer, first byte, total, in microseconds).
"""
import sys
p = 'include/xc/emit/lambda/support_files.hpp'
s = open(p).read()
if 'xc_trace' in s:
    sys.exit('already instrumented')
_replace = str.replace
def checked_replace(text, old, new, count=-1):
    if old not in text:
        sys.exit('instrument.py: the support code changed; anchor not found:\n' + old)
    return _replace(text, old, new, count)
s=checked_replace(s,'''class HttpClient {
public:''','''namespace xc_trace { void start(); void mark(const char* what); void flush(); }

class HttpClient {
public:''',1)
s=checked_replace(s,'''#include <cctype>
#include <mutex>

namespace xc_lambda {
namespace {
''','''#include <cctype>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>

namespace xc_lambda {
namespace xc_trace {
static FILE* file = [] { const char* p = std::getenv("XC_TRACE_FILE"); return p ? std::fopen(p, "a") : nullptr; }();
static std::string line;
static double t0 = 0, c0 = 0;
static long iv0 = 0, v0 = 0;
static double now_us() { return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
static void usage(double& cpu, long& iv, long& v) {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    cpu = r.ru_utime.tv_sec * 1e6 + r.ru_utime.tv_usec + r.ru_stime.tv_sec * 1e6 + r.ru_stime.tv_usec;
    iv = r.ru_nivcsw, v = r.ru_nvcsw;
}
void start() { if (!file) return; t0 = now_us(); usage(c0, iv0, v0); line.clear(); }
void mark(const char* what) {
    if (!file) return;
    double t = now_us(), c; long iv, v; usage(c, iv, v);
    char b[256];
    std::snprintf(b, sizeof b, "%s %.0f %.0f %ld %ld ", what, t - t0, c - c0, iv - iv0, v - v0);
    line += b;
}
void flush() { if (!file) return; std::fprintf(file, "%s\\n", line.c_str()); std::fflush(file); }
}  // namespace xc_trace
namespace {
''',1)
s=checked_replace(s,'''    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;''','''    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    if (method == "POST" && url.find("/runtime/") == std::string::npos) {
        long connects = 0; curl_off_t pre = 0, first = 0, total = 0;
        curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
        curl_easy_getinfo(curl, CURLINFO_PRETRANSFER_TIME_T, &pre);
        curl_easy_getinfo(curl, CURLINFO_STARTTRANSFER_TIME_T, &first);
        curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total);
        char b[128];
        std::snprintf(b, sizeof b, "curl %ld %ld %ld %ld ", connects, (long)pre, (long)first, (long)total);
        xc_trace::line += b;
        xc_trace::mark("dbdone");
    }
    return response;''',1)
s=checked_replace(s,'''            invocation.deadline_ms = std::strtoll(next.header("lambda-runtime-deadline-ms").c_str(), nullptr, 10);''','''            invocation.deadline_ms = std::strtoll(next.header("lambda-runtime-deadline-ms").c_str(), nullptr, 10);
            xc_trace::start();''',1)
s=checked_replace(s,'''            HttpResponse posted = http.send("POST", url + "/response", {{"Content-Type", "application/json"}}, result, 10000);''','''            xc_trace::mark("handled");
            HttpResponse posted = http.send("POST", url + "/response", {{"Content-Type", "application/json"}}, result, 10000);
            xc_trace::mark("posted");
            xc_trace::flush();''',1)
s=checked_replace(s,'''            Headers headers = dynamodb_headers(''','''            xc_trace::mark("dbstart");
            Headers headers = dynamodb_headers(''',1)
open(p,'w').write(s)
