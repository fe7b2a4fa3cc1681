"""Summarise an XC_TRACE_FILE written by handlers instrumented with instrument.py: per warm
invocation (a reused connection), where the time went, for the median and the slowest ones.
Columns (microseconds): total (event in -> response posted), pre (before the DynamoDB call),
sign (signing and request building), curl (the DynamoDB request: curl_pre until sent,
curl_wait until the first byte), after (building the answer), post (posting it), cpu (process
CPU time), iv / v (involuntary / voluntary context switches).
"""
import statistics
import sys

traced, new_connections, rows = 0, 0, []
for line in open(sys.argv[1]):
    fields, point, i = line.split(), {}, 0
    while i < len(fields):
        if fields[i] == 'curl':
            point['conn'], point['pre'], point['first'], point['ctotal'] = map(int, fields[i + 1:i + 5])
        else:
            point[fields[i]] = tuple(float(x) for x in fields[i + 1:i + 5])
        i += 5
    if 'dbstart' not in point or 'posted' not in point:
        continue
    traced += 1
    new_connections += point['conn']
    if point['conn'] == 0:  # warm: cold starts open their connection
        rows.append(point)
print(f'{traced} invocations traced, {new_connections} opened a connection to DynamoDB; {len(rows)} warm ones:')


def segments(r):
    return dict(total=r['posted'][0], pre=r['dbstart'][0], sign=r['dbdone'][0] - r['dbstart'][0] - r['ctotal'],
                curl=r['ctotal'], curl_pre=r['pre'], curl_wait=r['first'] - r['pre'], after=r['handled'][0] - r['dbdone'][0],
                post=r['posted'][0] - r['handled'][0], cpu=r['posted'][1], iv=r['posted'][2], v=r['posted'][3])


S = sorted((segments(r) for r in rows), key=lambda s: s['total'])
n, tail = len(S), max(1, len(S) // 100)
keys = ['total', 'pre', 'sign', 'curl', 'curl_pre', 'curl_wait', 'after', 'post', 'cpu', 'iv', 'v']
print('%-12s' % '' + ''.join('%10s' % k for k in keys))
for name, part in [('middle 10%', S[n * 45 // 100:n * 55 // 100]), ('slowest 5%', S[-5 * tail:]), ('slowest 1%', S[-tail:])]:
    print('%-12s' % name + ''.join('%10.0f' % statistics.mean(s[k] for s in part) for k in keys))
