// xc::verify: prove the model's properties, or find concrete counterexamples.
//
//   auto report = xc::verify::verify(graph);          // every property (properties.hpp)
//   report.exit_code();                                // 0 proved, 1 violated, 3 undecided
//
// One Z3 context serves every query of a chunk of subjects (below); each query gets a fresh
// solver (push/pop on one solver was measured to answer `unknown` where a fresh one answered in
// milliseconds). Chunks run on several threads, each with its own context. Each
// check (one property on one subject) is bounded by options.timeout_ms and the whole run by
// options.run_timeout_ms; what they cut short is UNDECIDED with the reason.
#pragma once

#include <xc/detail/parallel.hpp>
#include <xc/verify/checker.hpp>
#include <xc/verify/dependencies.hpp>
#include <xc/verify/finding.hpp>
#include <xc/verify/properties.hpp>

#include <algorithm>
#include <functional>
#include <iterator>
#include <mutex>
#include <vector>

namespace xc::verify {

// Called after each private API's properties are checked (count done, total), for progress; from
// one thread at a time.
using Progress = std::function<void(std::size_t, std::size_t)>;

// Subjects are checked in chunks of this many, each chunk by a checker of its own (its own Z3
// context and cache of answers), on up to VerifyOptions::jobs threads; the report is the chunks'
// findings in subject order. A Z3 context's history can change which witness it finds, so a chunk
// never shares one: the report is the same whatever the number of threads. A stamped shape is
// solved once per chunk. A shared secret or key is one large query (its policies name every
// account of its sharing group), so their chunks are small, to spread over the threads; but not
// one each: every fresh context allocates and faults in its memory for such a query anew. At
// 10,000 services (20 secrets, 20 keys) secret-share and secret-integrity took 1.65 s on one
// thread with one a chunk (0.49 s of it in the kernel), and take 1.34 s (0.29 s) with four.
inline constexpr std::size_t subjects_per_chunk(SubjectKind kind) {
    return kind == SubjectKind::shared_secret || kind == SubjectKind::shared_key ? 4 : 512;
}


// Subject by subject (properties.hpp: SubjectKind), each subject's enabled checks in table order.
// A subject whose checks depend on what a front end could not resolve gets UNDECIDED findings
// naming it (dependencies.hpp). The chunks of every kind share one pool of threads: a kind with
// one subject (the model's checks) or a few (shared secrets) does not leave the other threads
// idle until it ends.
inline Report verify(const model::Graph& graph, const VerifyOptions& options = {}, const Progress& progress = {}) {
    VerifyOptions shared = options;  // one run deadline for every chunk
    if (!shared.run_deadline) shared.run_deadline = Deadline::after(options.run_timeout_ms, "run");
    const UnresolvedIndex unresolved(graph);
    struct Kind {
        SubjectKind kind;
        std::vector<model::Vertex> subjects;
    };
    struct Chunk {
        const Kind* kind;
        std::size_t begin, end;  // subjects of its kind
        Report report;
        std::vector<std::size_t> first;  // per subject: its first finding in `report`
    };
    std::vector<Kind> kinds;
    kinds.reserve(subject_kinds.size());  // chunks point into it
    std::vector<Chunk> chunks;
    for (auto kind : subject_kinds) {
        // A kind none of whose checks is enabled costs nothing (not a Z3 context per chunk).
        const bool checked = std::any_of(properties.begin(), properties.end(), [&](const Property& p) {
            return enabled(options, p.id) &&
                   std::any_of(p.checks.begin(), p.checks.end(), [&](const PropertyCheck& c) { return c.run && c.subjects == kind; });
        });
        if (!checked) continue;
        const Kind& k = kinds.emplace_back(Kind{kind, subjects_of(graph, kind)});
        const std::size_t n = k.subjects.size(), per_chunk = subjects_per_chunk(kind);
        for (std::size_t begin = 0; begin < n; begin += per_chunk) chunks.push_back(Chunk{&k, begin, std::min(n, begin + per_chunk), {}, {}});
    }
    std::size_t done = 0, apis = 0;
    for (const auto& k : kinds)
        if (k.kind == SubjectKind::private_api) apis = k.subjects.size();
    std::mutex progress_mutex;
    xc::detail::run_parallel(chunks.size(), xc::detail::jobs_or_cores(options.jobs), [&](std::size_t c) {
        Chunk& chunk = chunks[c];
        const SubjectKind kind = chunk.kind->kind;
        Checker checker(graph, shared);
        for (std::size_t i = chunk.begin; i < chunk.end; ++i) {
            chunk.first.push_back(checker.report().findings.size());
            for (const auto& property : properties) {
                if (!checker.enabled(property.id)) continue;
                for (const auto& check : property.checks)
                    if (check.run && check.subjects == kind) run_check(checker, property, check, chunk.kind->subjects[i]);
            }
            checker.next_subject();
            if (kind == SubjectKind::private_api && progress) {
                std::lock_guard lock(progress_mutex);
                progress(++done, apis);
            }
        }
        chunk.report = std::move(checker.report());
    });
    Report report;
    for (auto& chunk : chunks) {
        auto& findings = chunk.report.findings;
        const auto& first = chunk.first;
        for (std::size_t k = 0; k < first.size() && !unresolved.empty(); ++k) {
            auto items = unresolved.affecting(chunk.kind->kind, chunk.kind->subjects[chunk.begin + k]);
            for (std::size_t i = first[k]; i < (k + 1 < first.size() ? first[k + 1] : findings.size()); ++i)
                mark_unresolved(findings[i], affecting_property(items, findings[i].property, chunk.kind->kind));
        }
        std::move(findings.begin(), findings.end(), std::back_inserter(report.findings));
    }
    return report;
}

}  // namespace xc::verify
