// CloudFormation templates on the command line (README "Verify CloudFormation and SAM"):
//
//   xc verify|check|graph [OPTIONS] [STACK-OPTIONS] TEMPLATE [STACK-OPTIONS] [TEMPLATE [STACK-OPTIONS] ...]
//   STACK-OPTIONS: --stack-name NAME  --account ID  --region NAME  --consumer
//                  --parameter-overrides KEY=VALUE [KEY=VALUE ...] | --parameter-overrides file://FILE
//
// As for Terraform roots (`xc check DIR`): options written after a template apply to that stack;
// options before the first template apply to every stack (a stack's own come later and win).
// --parameter-overrides takes what `aws cloudformation deploy --parameter-overrides` takes: KEY=VALUE
// words, or file://FILE holding a JSON list of "KEY=VALUE" strings, a list of
// {"ParameterKey", "ParameterValue"} objects, or {"Parameters": {KEY: VALUE}} (aws-cli #5443).
// A value "{{resolve:secretsmanager:ID}}" stands for what a deploy command reads from that
// secret; xc links it to the secret a given stack creates (evaluate.hpp). --consumer marks the
// consumer's stack. The stack name defaults to the template's file name without extension, or
// its directory's name for template.json / template.yaml / packaged.*.
#pragma once

#include "command_support.hpp"

#include <xc/input/cloudformation/load.hpp>
#include <xc/input/json/json_source.hpp>
#include <xc/input/json/top_level_members.hpp>
#include <xc/model/graph.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace xc::cli {

// Whether `file` is a CloudFormation template: YAML by extension, or JSON with "Resources" and
// without our model format's "xc" member.
namespace detail {
// Reads a JSON text without building it, noting the members of the top-level object.
class TopLevelMembers : public nlohmann::json_sax<nlohmann::json> {
public:
    bool resources = false, xc = false;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return ++depth_, true; }
    bool end_object() override { return --depth_, true; }
    bool start_array(std::size_t) override { return ++depth_, true; }
    bool end_array() override { return --depth_, true; }
    bool key(string_t& k) override {
        if (depth_ == 1 && k == "Resources") resources = true;
        if (depth_ == 1 && k == "xc") xc = true;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    int depth_ = 0;
};
}  // namespace detail

inline bool is_template_file(const std::string& file) {
    std::error_code ec;
    if (file.rfind("--", 0) == 0 || !std::filesystem::is_regular_file(file, ec)) return false;
    const std::string ext = std::filesystem::path(file).extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".template") return true;
    if (ext != ".json") return false;
    try {
        // A model file is read in full right after: first a quick look at its top-level members
        // (no tree, no positions; a model of 10,000 services is ~8 MB), and the full parse only
        // for what looks like a template, so the answer is the full parse's.
        const std::string text = input::json::read_input_file(file);
        // A scan of brackets and quotes first: a model (with "xc", without "Resources") costs
        // no parse at all.
        const auto scanned = input::json::top_level_members(text, {"Resources", "xc"});
        if (scanned[0] == input::json::MemberPresence::absent || scanned[1] == input::json::MemberPresence::present) return false;
        detail::TopLevelMembers members;
        if (!nlohmann::json::sax_parse(text, &members, nlohmann::json::input_format_t::json, true) || !members.resources || members.xc)
            return false;
        const auto source = input::json::load_json_file(file);
        return source.root().is_object() && source.root().contains("Resources") && !source.root().contains("xc");
    } catch (const InputError&) {
        return false;
    }
}

// The options only stacks take, and whether each takes a value.
inline bool is_stack_option(const std::string& name) {
    static const std::set<std::string> names{"--stack-name", "--account", "--region", "--consumer", "--parameter-overrides"};
    return names.contains(name);
}

// Splits a command's arguments into the stacks' (templates and stack options) and the rest;
// `valued` are the command's own options that take a value (never a template).
inline std::vector<std::string> take_stack_arguments(std::vector<std::string>& args, const std::set<std::string>& valued) {
    std::vector<std::string> stacks, rest;
    bool any_template = false;
    for (const auto& a : args) any_template |= is_template_file(a);
    if (!any_template) return {};
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const std::string name = a.substr(0, a.find('='));
        if (valued.contains(name)) {
            rest.push_back(a);
            if (a.find('=') == std::string::npos && i + 1 < args.size()) rest.push_back(args[++i]);
            continue;
        }
        if (is_stack_option(name)) {
            stacks.push_back(a);
            if (name == "--consumer" || a.find('=') != std::string::npos) continue;
            if (name == "--parameter-overrides") {
                while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0 && args[i + 1].find('=') != std::string::npos)
                    stacks.push_back(args[++i]);
                if (i + 1 < args.size() && args[i + 1].rfind("file://", 0) == 0) stacks.push_back(args[++i]);
                continue;
            }
            if (i + 1 < args.size()) stacks.push_back(args[++i]);
            continue;
        }
        if (is_template_file(a)) stacks.push_back(a);
        else rest.push_back(a);
    }
    args = std::move(rest);
    return stacks;
}

// "KEY=VALUE" into `out`.
inline void parameter_word(const std::string& word, std::map<std::string, std::string>& out) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--parameter-overrides", "expected KEY=VALUE, not '" + printable(word) + "'");
    out[word.substr(0, eq)] = word.substr(eq + 1);
}

// A parameters file in one of the formats `aws cloudformation deploy --parameter-overrides` reads.
inline void parameter_file(const std::string& file, std::map<std::string, std::string>& out) {
    const auto source = input::json::load_json_file(file);
    const auto& j = source.root();
    auto bad = [&](const std::string& pointer) {
        throw InputError(source.diagnostic(pointer, "expected [\"KEY=VALUE\", ...], [{\"ParameterKey\": K, \"ParameterValue\": V}, ...] "
                                                    "or {\"Parameters\": {K: V}} (the formats aws cloudformation deploy reads)"));
    };
    if (j.is_object() && j.contains("Parameters") && j["Parameters"].is_object()) {
        for (const auto& [k, v] : j["Parameters"].items()) {
            if (!v.is_string()) bad("/Parameters/" + json_pointer::escape(k));
            out[k] = v.get<std::string>();
        }
        return;
    }
    if (!j.is_array()) bad("");
    for (std::size_t i = 0; i < j.size(); ++i) {
        const auto& e = j[i];
        if (e.is_string()) parameter_word(e.get<std::string>(), out);
        else if (e.is_object() && e.contains("ParameterKey") && e["ParameterKey"].is_string() && e.contains("ParameterValue") && e["ParameterValue"].is_string())
            out[e["ParameterKey"].get<std::string>()] = e["ParameterValue"].get<std::string>();
        else bad("/" + std::to_string(i));
    }
}

inline std::string default_stack_name(const std::string& file) {
    const std::filesystem::path p(file);
    const std::string stem = p.stem().string();
    if (stem == "template" || stem == "packaged") {
        const auto dir = std::filesystem::absolute(p).lexically_normal().parent_path().filename().string();
        if (!dir.empty()) return dir;
    }
    return stem;
}

// The stacks and their options, in the order given (see the header comment).
inline std::vector<input::cloudformation::StackInput> parse_stacks(const std::vector<std::string>& args) {
    using input::cloudformation::StackInput;
    std::vector<StackInput> stacks;
    StackInput shared;
    std::vector<bool> named;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i], value;
        const bool option = a.rfind("--", 0) == 0;
        StackInput& s = stacks.empty() ? shared : stacks.back();
        if (!option) {
            StackInput next = shared;
            next.file = a;
            next.name = default_stack_name(a);
            stacks.push_back(std::move(next));
            continue;
        }
        if (const auto eq = a.find('='); eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
        } else if (a != "--consumer" && a != "--parameter-overrides") {
            if (i + 1 >= args.size()) throw InputError(a, "option " + printable(a) + " needs a value");
            value = args[++i];
        }
        if (a == "--consumer") {
            if (stacks.empty()) throw InputError(a, "--consumer marks one stack: write it after that stack's template");
            s.consumer = true;
        } else if (a == "--stack-name") {
            if (stacks.empty()) throw InputError(a, "--stack-name names one stack: write it after that stack's template");
            if (value.empty() || value.find('/') != std::string::npos) throw InputError(a, "a stack name is a non-empty name without '/'");
            s.name = value;
        } else if (a == "--account") {
            if (value.size() != 12 || value.find_first_not_of("0123456789") != std::string::npos)
                throw InputError(a, "--account needs a 12-digit AWS account id, not '" + printable(value) + "'");
            s.account = value;
        } else if (a == "--region") {
            if (value.empty()) throw InputError(a, "--region needs a region name");
            s.region = value;
        } else if (a == "--parameter-overrides") {
            std::vector<std::string> words;
            if (!value.empty()) words.push_back(value);
            while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0 && (args[i + 1].find('=') != std::string::npos || args[i + 1].rfind("file://", 0) == 0))
                words.push_back(args[++i]);
            if (words.empty()) throw InputError(a, "--parameter-overrides needs KEY=VALUE words or file://FILE");
            for (const auto& w : words) {
                if (w.rfind("file://", 0) == 0) parameter_file(w.substr(7), s.parameters);
                else parameter_word(w, s.parameters);
            }
        } else {
            throw InputError(a, "unknown stack option " + printable(a) + " (--stack-name, --account, --region, --consumer, --parameter-overrides)");
        }
    }
    if (stacks.empty()) throw InputError("", "no CloudFormation template given");
    std::set<std::string> names;
    for (const auto& s : stacks) {
        if (s.account.empty()) throw InputError(s.file, "stack '" + printable(s.name) + "': give its account with --account ID");
        if (s.region.empty()) throw InputError(s.file, "stack '" + printable(s.name) + "': give its region with --region NAME");
        if (!names.insert(s.name).second)
            throw InputError(s.file, "two stacks named '" + printable(s.name) + "': name one with --stack-name after its template");
    }
    return stacks;
}

// The name a report gives a set of stacks: their template files, comma-separated.
inline std::string stacks_label(const std::vector<input::cloudformation::StackInput>& stacks) {
    std::string out;
    for (const auto& s : stacks) out += (out.empty() ? "" : ", ") + s.file;
    return out;
}

inline const model::Graph& load_stacks_graph(const std::vector<std::string>& stack_args, std::string& label, unsigned jobs) {
    auto stacks = parse_stacks(stack_args);
    label = stacks_label(stacks);
    auto loaded = input::cloudformation::load_stack_files(std::move(stacks));
    for (const auto& n : loaded.not_modelled) std::cerr << "xc: note: not modelled (references nothing xc models): " << printable(n) << '\n';
    return kept_until_exit([&] { return model::build_graph(std::move(loaded.model), jobs); });
}

}  // namespace xc::cli
