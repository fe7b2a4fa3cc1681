// xc::verify: prove the model's properties, or find concrete counterexamples.
//
//   auto report = xc::verify::verify(graph);          // every property (properties.hpp)
//   report.exit_code();                                // 0 proved, 1 violated, 3 undecided
//
// One Z3 context serves every query of a run; each query gets a fresh solver (push/pop on one
// solver was measured to answer `unknown` where a fresh one answered in milliseconds). Each
// check (one property on one subject) is bounded by options.timeout_ms and the whole run by
// options.run_timeout_ms; what they cut short is UNDECIDED with the reason.
#pragma once

#include <xc/verify/checker.hpp>
#include <xc/verify/dependencies.hpp>
#include <xc/verify/finding.hpp>
#include <xc/verify/properties.hpp>

#include <functional>

namespace xc::verify {

// Called after each private API's properties are checked (count done, total), for progress.
using Progress = std::function<void(std::size_t, std::size_t)>;

// Subject by subject (properties.hpp: SubjectKind), each subject's enabled checks in table order.
// A subject whose checks depend on what a front end could not resolve gets UNDECIDED findings
// naming it (dependencies.hpp).
inline Report verify(const model::Graph& graph, const VerifyOptions& options = {}, const Progress& progress = {}) {
    Checker checker(graph, options);
    const UnresolvedIndex unresolved(graph);
    for (auto kind : subject_kinds) {
        auto subjects = subjects_of(graph, kind);
        std::size_t done = 0;
        for (auto subject : subjects) {
            const std::size_t first = checker.report().findings.size();
            for (const auto& property : properties) {
                if (!checker.enabled(property.id)) continue;
                for (const auto& check : property.checks)
                    if (check.run && check.subjects == kind) run_check(checker, property, check, subject);
            }
            if (!unresolved.empty()) {
                auto items = unresolved.affecting(kind, subject);
                auto& findings = checker.report().findings;
                for (std::size_t i = first; i < findings.size(); ++i) mark_unresolved(findings[i], affecting_property(items, findings[i].property, kind));
            }
            if (kind == SubjectKind::private_api && progress) progress(++done, subjects.size());
        }
    }
    return std::move(checker.report());
}

}  // namespace xc::verify
