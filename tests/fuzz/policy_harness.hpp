// Harness body: the policy parser + concrete evaluator (policy + requests).
//
// Input: policy JSON text, optionally followed by a line "---" and request lines
//   principal=<AWS principal ARN>   service=<service principal>   (neither: anonymous)
//   action=...  resource=...  account=<resource account>
//   <condition key>=<value>         <condition key>[]=<v1>,<v2>  (multivalued; may be empty)
// The policy is parsed (parse_text); if it parses, it is evaluated for that request and for
// requests built from the policy's own strings (its actions, resources, principals and
// condition values, so that matches are frequent). Checked:
//  * only xc::InputError escapes the parser; the evaluator never throws;
//  * the verdict does not depend on the order of statements (IAM's evaluation is a set);
//  * decide() for a resource policy alone agrees with evaluate_resource_policy() on denies;
//  * what the loader's SAX parser (parse_json) accepts, nlohmann reads as the same document.
#pragma once

#include "fuzz_check.hpp"

#include <xc/input/json/json_source.hpp>
#include <xc/policy/policy.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xc::fuzz {

namespace policy_detail {

using namespace xc::policy;

inline std::vector<std::size_t> deciding_indices(const Outcome& o) {
    std::vector<std::size_t> v;
    for (const auto& d : o.deciding) v.push_back(d.statement);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

inline void check_request(const Policy& policy, const Policy& reversed, const Request& r) {
    Outcome a = decide(policy, r);
    Outcome b = decide(reversed, r);
    XC_FUZZ_CHECK(a.verdict == b.verdict, "verdict depends on statement order");
    XC_FUZZ_CHECK(deciding_indices(a) == deciding_indices(b), "deciding statements depend on statement order");
    Outcome alone = evaluate_resource_policy(policy, r);
    XC_FUZZ_CHECK((alone.verdict == Verdict::ExplicitDeny) == (a.verdict == Verdict::ExplicitDeny),
                  "decide and evaluate_resource_policy disagree on an explicit deny");
    if (r.anonymous() || r.principal->type == PrincipalType::Service)
        XC_FUZZ_CHECK(a.verdict != Verdict::Allow || alone.verdict == Verdict::Allow,
                      "a caller outside identity policies is allowed without a resource-policy Allow");
}

inline Request parse_request(std::string_view spec) {
    Request r;
    r.action = "execute-api:Invoke";
    r.resource = "arn:aws:execute-api:us-east-1:111122223333:abc123/prod/GET/items";
    r.resource_account = "111122223333";
    while (!spec.empty()) {
        auto nl = spec.find('\n');
        std::string_view line = spec.substr(0, nl);
        spec = nl == std::string_view::npos ? std::string_view{} : spec.substr(nl + 1);
        auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "principal") r.principal = RequestPrincipal{PrincipalType::AWS, std::string(value)};
        else if (key == "service") r.principal = RequestPrincipal{PrincipalType::Service, std::string(value)};
        else if (key == "action") r.action = value;
        else if (key == "resource") r.resource = value;
        else if (key == "account") r.resource_account = value;
        else if (key.size() > 2 && key.ends_with("[]")) {
            std::vector<std::string> values;
            while (!value.empty()) {
                auto comma = value.find(',');
                values.emplace_back(value.substr(0, comma));
                value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
            }
            r.context.set_multi(key.substr(0, key.size() - 2), std::move(values));
        } else {
            r.context.set(key, std::string(value));
        }
    }
    return r;
}

// Requests made of the policy's own strings: every statement contributes its first action,
// resource, principal and condition values.
inline std::vector<Request> derived_requests(const Policy& policy) {
    std::vector<Request> out;
    for (const auto& st : policy.statements) {
        Request r;
        r.action = st.action.patterns.empty() ? "execute-api:Invoke" : st.action.patterns.front().text;
        r.resource = st.resource.patterns.empty() ? "arn:aws:execute-api:us-east-1:111122223333:abc123/prod/GET/x"
                                                  : st.resource.patterns.front().text;
        r.resource_account = "111122223333";
        for (const auto& c : st.conditions) {
            std::vector<std::string> values;
            for (const auto& v : c.values) values.push_back(v.text);
            if (c.op.set != SetQualifier::None) r.context.set_multi(c.key, values);
            else if (!values.empty()) r.context.set(c.key, values.front());
        }
        out.push_back(r);  // anonymous
        for (const auto& e : st.principal ? st.principal->entries : std::vector<PrincipalEntry>{}) {
            Request p = r;
            if (e.type == PrincipalType::Service) p.principal = RequestPrincipal{PrincipalType::Service, e.value};
            else if (e.form == PrincipalEntry::Form::Account)
                p.principal = RequestPrincipal{PrincipalType::AWS, "arn:aws:iam::" + e.account + ":role/r"};
            else p.principal = RequestPrincipal{e.type, e.value == "*" ? "arn:aws:iam::444455556666:user/u" : e.value};
            out.push_back(std::move(p));
            break;
        }
        Request same = r;
        same.principal = RequestPrincipal{PrincipalType::AWS, "arn:aws:iam::111122223333:role/same"};
        out.push_back(std::move(same));
        if (out.size() > 64) break;
    }
    return out;
}

}  // namespace policy_detail

inline int policy_one(const std::uint8_t* data, std::size_t size) {
    using namespace xc::policy;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view text = input, request_spec;
    if (auto sep = input.find("\n---\n"); sep != std::string_view::npos) {
        text = input.substr(0, sep);
        request_spec = input.substr(sep + 5);
    }

    Policy policy;
    bool parsed = false;
    try {
        policy = parse_text(text, "/policy");
        parsed = true;
    } catch (const InputError& e) {
        XC_FUZZ_CHECK(!e.diagnostics().empty() && !e.diagnostics().front().message.empty(), "empty diagnostic");
        for (const auto& d : e.diagnostics())
            XC_FUZZ_CHECK(d.path.rfind("/policy", 0) == 0, "error path outside the policy: " + d.path);
    }
    // The loader reads embedded policies through its own SAX parser (positions, duplicate keys,
    // depth): whatever it accepts, nlohmann reads as the same document, and the policy parser
    // gives the same answer for it.
    try {
        auto source = input::json::parse_json(text, "policy.json", {1u << 20, 64});
        nlohmann::json direct;
        try {
            direct = nlohmann::json::parse(text.begin(), text.end());
        } catch (const nlohmann::json::parse_error& e) {
            XC_FUZZ_FAIL(std::string("parse_json accepts what nlohmann refuses: ") + e.what());
        }
        XC_FUZZ_CHECK(source.root() == direct, "parse_json builds a different document");
        bool parsed_again = true;
        try {
            (void)parse(source.root(), "/policy");
        } catch (const InputError&) {
            parsed_again = false;
        }
        XC_FUZZ_CHECK(parsed == parsed_again, "parse_text and parse(parse_json) disagree");
    } catch (const InputError&) {
    }
    if (!parsed) return 0;

    Policy reversed = policy;
    std::reverse(reversed.statements.begin(), reversed.statements.end());
    if (!request_spec.empty()) policy_detail::check_request(policy, reversed, policy_detail::parse_request(request_spec));
    for (const auto& r : policy_detail::derived_requests(policy)) policy_detail::check_request(policy, reversed, r);
    // An attached API expands execute-api shorthands; the result must evaluate as well.
    Policy attached = attach_to_api(policy, ExecuteApiTarget{"aws", "us-east-1", "111122223333", "abc123"});
    Policy attached_reversed = attached;
    std::reverse(attached_reversed.statements.begin(), attached_reversed.statements.end());
    for (const auto& r : policy_detail::derived_requests(attached)) policy_detail::check_request(attached, attached_reversed, r);
    return 0;
}

}  // namespace xc::fuzz
