// What the verifier reports: per property and subject, PROVED, VIOLATED (with a concrete
// witness), or UNDECIDED (with the reason) — and the exit code that summarises a report.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace xc::verify {

enum class Verdict { proved, violated, undecided };

inline std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::proved: return "PROVED";
        case Verdict::violated: return "VIOLATED";
        case Verdict::undecided: return "UNDECIDED";
    }
    return "?";
}

// A policy statement that decided a query, located in the model.
struct StatementRef {
    std::string policy_path;  // JSON Pointer of the policy document
    std::size_t index = 0;
    std::string sid;
    std::string effect;

    std::string path() const { return policy_path + "/Statement/" + std::to_string(index); }
};

struct Finding {
    std::string property;  // a PropertyInfo id
    std::string subject;   // the graph vertex the finding is about, e.g. "food/rest-api/orders"
    std::string scope;     // "consumer" or the service
    Verdict verdict = Verdict::undecided;
    std::string message;   // one line: what holds, what is violated, or why it is undecided
    std::string path;      // JSON Pointer of the most specific model location
    nlohmann::json witness;  // violated: the concrete counterexample (proved: an example, if any)
    std::vector<StatementRef> statements;  // the deciding statements
    std::string fix;       // for violations: how to fix it
};

struct Report {
    std::vector<Finding> findings;

    std::size_t count(Verdict v) const {
        return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.verdict == v; }));
    }
    // 0 all proved, 1 a property violated, 3 one could not be decided (and none violated).
    int exit_code() const {
        if (count(Verdict::violated)) return 1;
        if (count(Verdict::undecided)) return 3;
        return 0;
    }
};

}  // namespace xc::verify
