// Helpers shared by xc's tests: the repository's files, temp dirs, and running the CLI.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/wait.h>

namespace xc::test {

inline std::filesystem::path source_dir() { return XC_SOURCE_DIR; }
inline std::filesystem::path reference_model_path() { return source_dir() / "models/cross-account-microservices.json"; }

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_file(const std::filesystem::path& p, std::string_view text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

inline std::string reference_model_text() { return read_file(reference_model_path()); }

// Replace the single occurrence of `from` in `text`; throws if it is absent or repeated, so a
// test cannot silently stop mutating what it meant to.
inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("mutation anchor not found: " + from);
    if (text.find(from, at + 1) != std::string::npos) throw std::runtime_error("mutation anchor not unique: " + from);
    return text.replace(at, from.size(), to);
}

// The reference model with a security group named "alb_": a valid model name that becomes the
// identifier of the ALB's group, "alb", so that lowering refuses the two (emit's name collisions).
inline std::string colliding_names_model_text() {
    std::string t = replace_once(reference_model_text(), "\"endpoint\": {\n        \"vpc\": \"main\",", "\"alb_\": {\n        \"vpc\": \"main\",");
    t = replace_once(t, "\"securityGroups\": [ \"endpoint\" ],", "\"securityGroups\": [ \"alb_\" ],");
    return replace_once(t, "\"egress\":  [ { \"protocol\": \"tcp\", \"ports\": 443, \"securityGroup\": \"endpoint\" } ]",
                        "\"egress\":  [ { \"protocol\": \"tcp\", \"ports\": 443, \"securityGroup\": \"alb_\" } ]");
}

// Free text an emitter must carry inertly, planted in the reference model: a security group's
// description, an order option (an enum in the API and the Lambda code), a Lambda environment
// value and a policy resource.
struct HostileStrings {
    std::string description, option, env, policy_resource;
};

inline std::string hostile_model_text(const HostileStrings& h) {
    auto js = [](const std::string& s) { return nlohmann::json(s).dump(); };
    std::string t = reference_model_text();
    t = replace_once(t, "\"HTTPS from inside the VPC to the internal ALB; out only to the endpoint\"", js(h.description));
    t = replace_once(t, "[ \"tea\", \"coffee\", \"water\" ]", "[ \"tea\", " + js(h.option) + " ]");
    t = replace_once(t, "\"handler\": \"post-order\",", "\"handler\": \"post-order\", \"environment\": { \"EVIL\": " + js(h.env) + " },");
    t = replace_once(t, "\"arn:aws:dynamodb:{{region}}:{{accountId}}:table/{{app}}-{{service}}/index/*\"",
                     "\"arn:aws:dynamodb:{{region}}:{{accountId}}:table/{{app}}-{{service}}/index/*\", " + js(h.policy_resource));
    return t;
}

// A fresh temporary directory, removed with the object.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "xc-test-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Run a shell command, capturing stdout and stderr separately.
inline CommandResult run(const std::string& command) {
    TempDir tmp;
    std::string full = "(" + command + ") >" + (tmp / "out").string() + " 2>" + (tmp / "err").string();
    int status = std::system(full.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(tmp / "out");
    r.err = read_file(tmp / "err");
    return r;
}

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace xc::test
