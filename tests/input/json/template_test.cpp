#include <xc/emit/model_json.hpp>
#include <xc/input/json/load.hpp>
#include <xc/input/json/template.hpp>

#include <generated_models.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace template_test {

using nlohmann::json;
using xc::InputError;
using xc::input::json::TemplateParameters;
namespace detail = xc::input::json::detail;

namespace {

// What expanding `s` gives: the text, the whole value, or the error's path and message.
struct Outcome {
    std::string text;
    json whole;
    std::string error;
    bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    return os << "{text '" << o.text << "', whole " << o.whole.dump() << ", error '" << o.error << "'}";
}

Outcome error_of(const InputError& e) {
    const auto& d = e.diagnostics().front();
    return {{}, {}, d.path + ": " + d.message + (d.hint.empty() ? "" : " (" + d.hint + ")")};
}

// The placeholders' rules read off directly: split `s` into parts, refuse a malformed one, then an
// unknown name, then take a lone placeholder's value whole or splice every part in.
Outcome by_parts(const std::string& s, const TemplateParameters& params, bool whole_value, bool* took_whole = nullptr) {
    if (s.find("{{") == std::string::npos) return {s, {}, {}};
    std::string error;
    auto parts = detail::split_placeholders(s, error);
    if (!error.empty()) return {{}, {}, "/p: " + error};
    for (const auto& part : parts)
        if (part.is_placeholder && !params.contains(part.text)) {
            const std::string hint = xc::did_you_mean(part.text, detail::parameter_names(params));
            return {{}, {}, "/p: unknown template parameter '" + part.text + "'" + (hint.empty() ? "" : " (" + hint + ")")};
        }
    if (whole_value && parts.size() == 1 && parts[0].is_placeholder) {
        if (took_whole) *took_whole = true;
        return {{}, params.at(parts[0].text), {}};
    }
    std::string out;
    for (const auto& part : parts) {
        if (!part.is_placeholder) {
            out += part.text;
            continue;
        }
        const json& v = params.at(part.text);
        if (v.is_string()) out += v.get<std::string>();
        else if (v.is_number()) out += v.dump();
        else
            return {{}, {}, "/p: template parameter '" + part.text + "' is " + v.type_name() +
                                "; only a string or number can be spliced into text (use the placeholder as the whole value to insert " +
                                v.type_name() + ")"};
    }
    return {out, {}, {}};
}

Outcome expanded(const std::string& s, const TemplateParameters& params, bool whole_value) {
    try {
        json whole;
        std::string text = detail::expand_string(s, params, std::string("/p"), whole_value ? &whole : nullptr);
        return {text, whole, {}};
    } catch (const InputError& e) {
        return error_of(e);
    }
}

// expand() on a string value (the value it leaves in `whole`): a lone placeholder becomes the
// parameter's value, else the text.
Outcome expanded_in_place(const std::string& s, const TemplateParameters& params) {
    try {
        json node = s;
        const std::string root = "/p";
        detail::expand(node, params, xc::json_pointer::Lazy::at(root));
        return {{}, node, {}};
    } catch (const InputError& e) {
        return error_of(e);
    }
}

// What expand() should leave: the whole value, the text as a string, or the error.
Outcome in_place_by_parts(const std::string& s, const TemplateParameters& params) {
    bool took_whole = false;
    Outcome o = by_parts(s, params, true, &took_whole);
    if (!o.error.empty() || took_whole) return o;
    return {{}, json(o.text), {}};
}

}  // namespace

// The one-pass splice (template.hpp) must agree with the rules read off part by part on every
// string: the generated strings join up to three fragments, so each way a placeholder can be
// well formed, malformed, unknown, unspliceable or next to another one is met, alone and together.
TEST(TemplateExpansion, EveryStringExpandsAsItsPartsSay) {
    const TemplateParameters params{{"service", "orders"}, {"n", 42}, {"ratio", 0.5}, {"list", json::array({"a", "b"})},
                                    {"obj", json::object({{"k", 1}})}, {"empty", ""}, {"nothing", nullptr}, {"x_1", "X"}};
    const std::vector<std::string> fragments{"",        "a",        "{",         "}",      "{{",      "}}",       "{{service}}", "{{n}}",
                                             "{{ratio}}", "{{list}}", "{{obj}}",   "{{empty}}", "{{nothing}}", "{{x_1}}", "{{unknown}}", "{{servce}}",
                                             "{{}}",    "{{a b}}",  "{{a-b}}",   "{{{service}}", "{{service}}}", "-", "{{service"};
    std::size_t checked = 0, expanded_texts = 0, wholes = 0, errors = 0;
    auto check = [&](const std::string& s) {
        for (bool whole_value : {false, true}) {
            const Outcome want = by_parts(s, params, whole_value);
            EXPECT_EQ(expanded(s, params, whole_value), want) << "expand_string('" << s << "', whole " << whole_value << ")";
            ++checked;
            if (!want.error.empty()) ++errors;
            else if (!want.whole.is_null()) ++wholes;
            else if (!want.text.empty()) ++expanded_texts;
        }
        EXPECT_EQ(expanded_in_place(s, params), in_place_by_parts(s, params)) << "expand('" << s << "')";
    };
    for (const auto& a : fragments)
        for (const auto& b : fragments) {
            check(a + b);
            for (const auto& c : {std::string("{{n}}"), std::string("x{{"), std::string("}}y")}) check(a + b + c);
        }
    // The generator must reach every outcome, or the comparison proves little.
    EXPECT_GT(expanded_texts, 100u);
    EXPECT_GT(wholes, 5u);
    EXPECT_GT(errors, 100u);
    EXPECT_GT(checked, 4000u);
}

// A lone placeholder keeps its parameter's JSON type; spliced into text, a number is its JSON text.
TEST(TemplateExpansion, AWholePlaceholderKeepsItsValueAndASplicedNumberItsText) {
    const TemplateParameters params{{"list", json::array({"a", "b"})}, {"n", 7}, {"s", "v"}};
    EXPECT_EQ(expanded_in_place("{{list}}", params).whole, json::array({"a", "b"}));
    EXPECT_EQ(expanded_in_place("{{n}}", params).whole, json(7));
    EXPECT_EQ(expanded_in_place("n={{n}}, s={{s}}", params).whole, json("n=7, s=v"));
    EXPECT_EQ(expanded_in_place("{{s}}{{s}}", params).whole, json("vv"));
}

namespace {

// `model` with every service written out in full and no template left: its template's RFC 7386
// merge with the service's own members (`merge_patch`), placeholders expanded
// (`expand_placeholders`) with the built-in parameters and the service's own. This is what the
// format says a service is (template.hpp), done the plain way: the whole body copied, then expanded.
json written_out(const json& model) {
    json out = model;
    out.erase("templates");
    for (auto& [name, service] : out["services"].items()) {
        const json& raw = model["services"][name];
        json own = json::object();
        for (const auto& [k, v] : raw.items())
            if (k != "account" && k != "template" && k != "parameters") own[k] = v;
        const json body = raw.contains("template")
                              ? xc::input::json::merge_patch(model["templates"][raw["template"].get<std::string>()], own)
                              : own;
        TemplateParameters params{{"service", name},
                                  {"app", model["name"]},
                                  {"region", model["region"]},
                                  {"account", raw["account"]},
                                  {"accountId", model["accounts"][raw["account"].get<std::string>()]["id"]}};
        if (raw.contains("parameters"))
            for (const auto& [k, v] : raw["parameters"].items()) params[k] = v;
        service = xc::input::json::expand_placeholders(body, params, "/services/" + name);
        service["account"] = raw["account"];
    }
    return out;
}

// What loading `model` gives: the model as our format writes it, or every message of its refusal
// (path, message, hint: the positions differ between a model and its written-out form).
std::string loaded(const json& model) {
    try {
        return xc::emit::model_json(xc::input::json::load_model(xc::input::json::parse_json(model.dump(1), "m.json"), 1));
    } catch (const InputError& e) {
        std::string out = "refused:\n";
        for (const auto& d : e.diagnostics()) out += d.path + ": " + d.message + " | " + d.hint + "\n";
        return out;
    }
}

}  // namespace

// The loader reads a member that holds no placeholder and that the service leaves alone where it
// is written, in the template or in the service, instead of copying and expanding it (load.hpp:
// read_service). Whatever a service does with its template — override, delete, add members, keys
// with placeholders, unknown fields on both sides, no template at all — it must read exactly as
// its written-out form.
TEST(TemplateExpansion, AServiceReadsAsItsTemplateMergedAndExpandedByHand) {
    const json reference = json::parse(xc::test::reference_model_text());
    std::vector<std::pair<std::string, json>> models{{"the reference model", reference}};
    auto variant = [&](std::string what, auto&& change) {
        json m = reference;
        change(m);
        models.emplace_back(std::move(what), std::move(m));
    };
    json& (*service)(json&, const char*) = [](json& m, const char* name) -> json& { return m["services"][name]; };
    json& (*templ)(json&) = [](json& m) -> json& { return m["templates"]["orders-service"]; };
    variant("a member without placeholders overridden", [&](json& m) { service(m, "food")["lambdas"] = {{"get-order", {{"memory", 1024}}}}; });
    variant("a member without placeholders deleted", [&](json& m) { service(m, "food")["securityGroups"] = nullptr; });
    variant("a member with placeholders deleted", [&](json& m) { service(m, "beverage")["tables"] = nullptr; });
    variant("one entry of a member deleted", [&](json& m) { service(m, "food")["lambdas"] = {{"get-orders", nullptr}}; });
    variant("a member added with placeholders", [&](json& m) {
        service(m, "food")["kmsKeys"] = {{"{{service}}-key",
                                          {{"description", "{{app}} {{service}}"},
                                           {"policy", {{"Version", "2012-10-17"},
                                                       {"Statement", json::array({{{"Effect", "Allow"},
                                                                                   {"Principal", {{"AWS", "arn:aws:iam::{{accountId}}:root"}}},
                                                                                   {"Action", "kms:*"},
                                                                                   {"Resource", "*"}}})}}}}}};
    });
    variant("a key with a placeholder and nothing else", [&](json& m) {
        templ(m)["securityGroups"]["{{service}}-extra"] = {{"vpc", "main"}, {"description", "extra"}};
    });
    variant("a placeholder only in a deep array", [&](json& m) {
        templ(m)["securityGroups"]["lambda"]["egress"].push_back({{"protocol", "tcp"}, {"ports", 443}, {"cidr", "{{cidr}}"}});
        service(m, "food")["parameters"]["cidr"] = "10.0.0.0/8";
        service(m, "beverage")["parameters"]["cidr"] = "10.0.0.0/16";
    });
    variant("unknown fields in the template and the service", [&](json& m) {
        templ(m)["aaa"] = json::object();
        templ(m)["vpcz"] = {{"x", 1}};
        service(m, "food")["lambdaz"] = 1;
        service(m, "food")["zzz"] = "{{service}}";
    });
    variant("a service with no template, written with placeholders", [&](json& m) {
        json& food = service(m, "food");
        for (const auto& [k, v] : templ(m).items()) food[k] = v;
        food.erase("template");
    });
    variant("a template's member whose key alone has a placeholder", [&](json& m) {
        templ(m)["{{extra}}"] = {{"key", {{"description", "plain"}}}};
        service(m, "food")["parameters"]["extra"] = "kmsKeys";
        service(m, "beverage")["parameters"]["extra"] = "kmsKeyz";
    });
    variant("a service's member whose key alone has a placeholder, no template", [&](json& m) {
        json& food = service(m, "food");
        for (const auto& [k, v] : templ(m).items()) food[k] = v;
        food.erase("template");
        food["{{extra}}"] = {{"key", {{"description", "plain"}}}};
        food["parameters"]["extra"] = "kmsKeys";
    });
    variant("a malformed placeholder", [&](json& m) { templ(m)["vpcs"]["main"]["subnets"]["private-a"]["az"] = "{{region}-a"; });
    models.emplace_back("a generated stamped model", json::parse(xc::bench::generated_services_model(12, xc::bench::ModelShape::stamped)));
    models.emplace_back("a generated distinct model", json::parse(xc::bench::generated_services_model(12, xc::bench::ModelShape::distinct)));

    std::size_t refused = 0;
    for (const auto& [what, model] : models) {
        json out;
        try {
            out = written_out(model);
        } catch (const InputError& e) {  // the plain way refuses it too: both must say the same
            const std::string got = loaded(model);
            EXPECT_NE(got.find(e.diagnostics().front().path + ": " + e.diagnostics().front().message), std::string::npos)
                << what << "\n" << got;
            ++refused;
            continue;
        }
        const std::string got = loaded(model);
        EXPECT_EQ(got, loaded(out)) << what;
        refused += got.rfind("refused:", 0) == 0;
    }
    // Both kinds of outcome were compared: models read, and models refused (with their messages).
    EXPECT_GE(refused, 3u);
    EXPECT_LE(refused, models.size() - 5);
}

}  // namespace template_test
