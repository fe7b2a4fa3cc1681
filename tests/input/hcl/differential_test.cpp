// Differential test: xc's HCL parser against HashiCorp's (hcl/v2 as packaged in
// @cdktf/hcl2json), on the Terraform xc emits for the shipped models, the hand-written corpus
// (corpus/*.tf: every construct, valid and invalid) and a seeded random corpus. Both must
// accept or reject alike, and accepted files must convert to the same JSON (see
// hcl2json_shape.hpp for what that compares). One node process parses every file.
//
// XC_HCL_RANDOM_FILES sets the random corpus size (default 3000: about a minute here);
// XC_HCL_SEED its seed.
#include "generator.hpp"
#include "hcl2json_shape.hpp"
#include "test_support.hpp"

#include "xc/input/hcl/hcl.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace differential_test {

namespace fs = std::filesystem;
using namespace xc::input::hcl;
using xc::test::quote;
using xc::test::read_file;
using xc::test::run;
using xc::test::TempDir;
using xc::test::write_file;

namespace {

std::size_t env_size(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

struct Corpus {
    std::vector<fs::path> files;
    std::map<std::string, std::size_t> counts;  // per source
};

void add_tree(Corpus& c, const fs::path& dir, const std::string& source) {
    std::vector<fs::path> found;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".tf") found.push_back(e.path());
    std::sort(found.begin(), found.end());
    for (auto& f : found) c.files.push_back(f);
    c.counts[source] += found.size();
}

struct Outcome {
    std::size_t compared = 0, both_accept = 0, both_reject = 0;
    std::vector<std::string> disagreements;
};

std::string excerpt(const std::string& s) { return s.size() > 1500 ? s.substr(0, 1500) + "..." : s; }

Outcome compare(const Corpus& corpus, const std::map<std::string, nlohmann::json>& hashicorp) {
    Outcome out;
    for (const auto& path : corpus.files) {
        const std::string text = read_file(path);
        const auto it = hashicorp.find(path.string());
        if (it == hashicorp.end()) {
            out.disagreements.push_back(path.string() + ": no answer from hcl2json");
            continue;
        }
        const nlohmann::json& theirs = it->second;
        ++out.compared;
        const bool they_accept = theirs.at("ok").get<bool>();
        const std::string their_error = they_accept ? "" : theirs.at("error").get<std::string>();
        std::string ours_error;
        nlohmann::json ours;
        bool we_accept = true, conversion_fails = false;
        try {
            File file = parse(text, path.filename().string());
            try {
                ours = test::Hcl2JsonShape(file.source).body(file.body);
            } catch (const test::ConversionFails&) {
                conversion_fails = true;
            }
        } catch (const xc::InputError& e) {
            we_accept = false;
            ours_error = e.what();
        }
        std::string problem;
        if (we_accept && conversion_fails) {
            if (they_accept || their_error.rfind("parse config", 0) == 0) problem = "xc accepts; hcl2json's conversion should fail: " + their_error;
            else ++out.both_accept;
        } else if (we_accept != they_accept) {
            problem = we_accept ? "xc accepts, HashiCorp rejects: " + their_error : "xc rejects, HashiCorp accepts:\n" + ours_error;
        } else if (!we_accept) {
            ++out.both_reject;
        } else if (ours != theirs.at("tree")) {
            problem = "trees differ:\n  xc:        " + ours.dump() + "\n  HashiCorp: " + theirs.at("tree").dump();
        } else {
            ++out.both_accept;
        }
        // Hand-written files state the expected outcome in their name.
        const std::string name = path.filename().string();
        if (problem.empty() && path.parent_path().filename() == "corpus") {
            const bool expect_accept = name.rfind("invalid-", 0) != 0;
            if (we_accept != expect_accept) problem = std::string("corpus file expected to be ") + (expect_accept ? "accepted" : "rejected");
        }
        if (!problem.empty()) out.disagreements.push_back(path.string() + ": " + problem + "\n--- file ---\n" + excerpt(text));
    }
    return out;
}

}  // namespace

TEST(HclDifferential, AgreesWithHashiCorpsParser) {
    auto node = run("node --version");
    ASSERT_EQ(node.exit_code, 0) << "node is required (scripts/setup.sh --tests)";
    ASSERT_TRUE(fs::exists(fs::path(XC_NPM_DIR) / "node_modules/@cdktf/hcl2json")) << "run scripts/setup.sh --tests";

    TempDir tmp;
    Corpus corpus;

    // 1. What `xc emit --target terraform` writes for every shipped model.
    for (const char* model : {"cross-account-microservices.json", "three-services-private-domains.json"}) {
        const fs::path out = tmp / ("emit-" + std::string(model));
        auto r = run(quote(XC_CLI_PATH) + " emit " + quote((xc::test::source_dir() / "models" / model).string()) +
                     " --target terraform -o " + quote(out.string()));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        add_tree(corpus, out, "emitted");
    }
    ASSERT_GT(corpus.counts["emitted"], 10u);

    // 2. The hand-written corpus.
    add_tree(corpus, fs::path(XC_HCL_TEST_DIR) / "corpus", "corpus");
    ASSERT_GT(corpus.counts["corpus"], 20u);

    // 3. The random corpus.
    const std::size_t random_files = env_size("XC_HCL_RANDOM_FILES", 3000);
    const std::uint64_t seed = env_size("XC_HCL_SEED", 17);
    test::Generator gen(seed);
    fs::create_directories(tmp / "random");
    for (std::size_t i = 0; i < random_files; ++i) {
        const fs::path p = tmp / "random" / ("r" + std::to_string(i) + ".tf");
        write_file(p, gen.file());
        corpus.files.push_back(p);
    }
    corpus.counts["random"] = random_files;

    std::string list;
    for (const auto& f : corpus.files) list += f.string() + "\n";
    write_file(tmp / "list", list);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run("node " + quote((fs::path(XC_HCL_TEST_DIR) / "hcl2json_lines.js").string()) + " " + quote(XC_NPM_DIR) + " " +
                 quote((tmp / "list").string()));
    const double node_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, nlohmann::json> hashicorp;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line);
        const std::string file = j.at("file").get<std::string>();
        hashicorp[file] = std::move(j);
    }

    const Outcome o = compare(corpus, hashicorp);
    std::cout << "[hcl differential] " << o.compared << " files (emitted " << corpus.counts["emitted"] << ", corpus "
              << corpus.counts["corpus"] << ", random " << corpus.counts["random"] << " seed " << seed << "): "
              << o.both_accept << " accepted by both, " << o.both_reject << " rejected by both, " << o.disagreements.size()
              << " disagreements; hcl2json took " << node_seconds << " s\n";
    for (std::size_t i = 0; i < std::min<std::size_t>(o.disagreements.size(), 8); ++i) ADD_FAILURE() << o.disagreements[i];
    EXPECT_TRUE(o.disagreements.empty());
    // The corpus must exercise both outcomes.
    EXPECT_GT(o.both_reject, 10u);
    EXPECT_GT(o.both_accept, 100u);
}

}  // namespace differential_test
