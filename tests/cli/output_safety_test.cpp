// Output safety through the built binary: every output option (`verify -o`, `emit -o` for each
// target) against every kind of thing its path can name. What each option must do:
//   verify -o: a missing file (in an existing directory) or a regular file gets the report,
//              all-or-nothing; a stream the
//              process holds (/dev/stdout, /dev/fd/N, /proc/self/fd/N), a character device or
//              a FIFO with a reader (also through a link) is written through; everything else
//              is refused with exit 2 and left as it was; a FIFO without a reader never hangs.
//   emit -o:   a missing path, an empty directory or an earlier output of xc is written (the
//              earlier output's own files replaced, everything else kept); everything else is
//              refused with exit 2 and left as it was.
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace output_safety_test {

namespace {

namespace fs = std::filesystem;
using xc::test::quote;
using xc::test::read_file;
using xc::test::run;
using xc::test::TempDir;

std::string xc_cli(const std::string& args) { return "exec " + quote(XC_CLI) + " " + args; }
std::string reference() { return quote(xc::test::reference_model_path().string()); }

void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    xc::test::write_file(p, text);
}

// Everything under `dir` (links not followed): path -> what it is, with its mode.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    auto describe = [](const fs::path& p) {
        const auto st = fs::symlink_status(p);
        const auto mode = "|" + std::to_string(static_cast<unsigned>(st.permissions()));
        if (fs::is_symlink(st)) return "<link:" + fs::read_symlink(p).string() + ">" + mode;
        if (fs::is_directory(st)) return "<dir>" + mode;
        if (fs::is_regular_file(st)) return read_file(p) + mode;
        return "<special " + std::to_string(static_cast<int>(st.type())) + ">" + mode;
    };
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it)
        out[it->path().lexically_relative(dir).string()] = describe(it->path());
    return out;
}

// A Unix socket bound at `path` (the file stays after the descriptor is closed).
bool make_socket(const fs::path& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path.string();
    if (fd < 0 || p.size() >= sizeof addr.sun_path) return false;
    std::copy(p.begin(), p.end(), addr.sun_path);
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

std::string reference_report() {
    static const std::string report = run(xc_cli("verify " + reference())).out;
    return report;
}

// A user's additions to an earlier output: state and providers in the first directory, a note
// at the root.
void add_user_files(const fs::path& out) {
    fs::path root = out;
    for (const auto& e : fs::directory_iterator(out))
        if (e.is_directory()) {
            root = e.path();
            break;
        }
    write_file(root / "terraform.tfstate", "{\"version\": 4}\n");
    write_file(root / ".terraform/providers/aws/terraform-provider-aws", "ELF");
    write_file(root / "tfplan", "plan");
    write_file(out / "NOTES.md", "mine\n");
}

enum class Expect { written, written_through, refused };

struct Kind {
    std::string name;
    // Makes the thing at `target` (inside `dir`); returns the path to pass to -o, or "" to skip.
    std::function<std::string(const fs::path& dir, const fs::path& target, const std::string& emit_target)> make;
    Expect verify, emit;
};

const std::vector<Kind>& kinds() {
    static const std::vector<Kind> all{
        {"missing", [](auto&, auto& t, auto&) { return t.string(); }, Expect::written, Expect::written},
        // verify does not create directories (like `>`: a mistyped directory is an error);
        // emit creates the output directory's parents.
        {"missing parent", [](auto&, auto& t, auto&) { return (t / "deeper/report").string(); }, Expect::refused, Expect::written},
        {"regular file", [](auto&, auto& t, auto&) { write_file(t, "previous\n"); return t.string(); }, Expect::written, Expect::refused},
        {"empty directory", [](auto&, auto& t, auto&) { fs::create_directories(t); return t.string(); }, Expect::refused, Expect::written},
        {"symlink to file",
         [](auto& d, auto& t, auto&) {
             write_file(d / "real-file", "real\n");
             fs::create_symlink("real-file", t);
             return t.string();
         },
         Expect::refused, Expect::refused},
        {"symlink to directory",
         [](auto& d, auto& t, auto& emit_target) {
             auto r = run(xc_cli("emit " + reference() + " --target " + emit_target + " -o " + quote((d / "real-dir").string())));
             if (r.exit_code != 0) throw std::runtime_error(r.err);
             fs::create_directory_symlink("real-dir", t);
             return t.string();
         },
         Expect::refused, Expect::refused},
        {"dangling symlink", [](auto&, auto& t, auto&) { fs::create_symlink("nowhere", t); return t.string(); }, Expect::refused,
         Expect::refused},
        {"FIFO without a reader",
         [](auto&, auto& t, auto&) {
             mkfifo(t.c_str(), 0600);
             return t.string();
         },
         Expect::refused, Expect::refused},
        {"socket", [](auto&, auto& t, auto&) { return make_socket(t) ? t.string() : std::string(); }, Expect::refused, Expect::refused},
        {"block device",  // a device number nothing answers to: even a wrong write-through could not touch a disk
         [](auto&, auto& t, auto&) { return mknod(t.c_str(), S_IFBLK | 0600, makedev(240, 123)) == 0 ? t.string() : std::string(); },
         Expect::refused, Expect::refused},
        {"/dev/null", [](auto&, auto&, auto&) { return std::string("/dev/null"); }, Expect::written_through, Expect::refused},
        {"symlink to /dev/null",
         [](auto&, auto& t, auto&) {
             fs::create_symlink("/dev/null", t);
             return t.string();
         },
         Expect::written_through, Expect::refused},
        {"non-empty directory xc did not write",
         [](auto&, auto& t, auto&) {
             write_file(t / "model.json", "{}\n");
             write_file(t / "notes/todo.txt", "keep me\n");
             return t.string();
         },
         Expect::refused, Expect::refused},
        {"earlier output with the user's files",
         [](auto&, auto& t, auto& emit_target) {
             auto r = run(xc_cli("emit " + reference() + " --target " + emit_target + " -o " + quote(t.string())));
             if (r.exit_code != 0) throw std::runtime_error(r.err);
             add_user_files(t);
             return t.string();
         },
         Expect::refused, Expect::written},
    };
    return all;
}

struct Option {
    std::string name, emit_target;  // emit_target empty: verify -o
    std::string command(const std::string& path) const {
        if (emit_target.empty()) return xc_cli("verify " + reference() + " -o " + quote(path));
        return xc_cli("emit " + reference() + " --target " + emit_target + " -o " + quote(path));
    }
};

const std::vector<Option> options{{"verify -o", ""},
                                  {"emit --target terraform -o", "terraform"},
                                  {"emit --target cloudformation -o", "cloudformation"},
                                  {"emit --target lambda -o", "lambda"}};

class EveryOutputOption : public testing::TestWithParam<Option> {};

TEST_P(EveryOutputOption, AgainstEveryKindOfTarget) {
    const Option& option = GetParam();
    const bool is_verify = option.emit_target.empty();
    for (const Kind& kind : kinds()) {
        SCOPED_TRACE(option.name + " <" + kind.name + ">");
        TempDir dir;
        const fs::path target = dir / "target";
        const std::string path = kind.make(dir.path(), target, is_verify ? "terraform" : option.emit_target);
        if (path.empty()) {
            std::cout << "  (" << kind.name << " cannot be made here: not checked)\n";
            continue;
        }
        const auto before = snapshot(dir.path());
        const auto user_files = fs::exists(target / "NOTES.md") ? snapshot(target) : std::map<std::string, std::string>{};
        // `timeout` guards the test, not xc: exit 124 means xc waited for something.
        auto r = run("timeout 20 sh -c " + quote(option.command(path)));
        ASSERT_NE(r.exit_code, 124) << "hung";
        const Expect expect = is_verify ? kind.verify : kind.emit;
        if (expect == Expect::refused) {
            EXPECT_EQ(r.exit_code, 2) << r.err;
            EXPECT_NE(r.err.find(is_verify ? "cannot write the report" : "cannot write the output"), std::string::npos) << r.err;
            EXPECT_EQ(snapshot(dir.path()), before) << "a refused target must stay as it was";
            continue;
        }
        ASSERT_EQ(r.exit_code, 0) << r.err;
        if (path == "/dev/null") {
            EXPECT_EQ(fs::status("/dev/null").type(), fs::file_type::character);
        }
        if (expect == Expect::written_through) {
            EXPECT_EQ(snapshot(dir.path()), before) << "written through, not replaced";
            continue;
        }
        if (is_verify) {
            EXPECT_EQ(read_file(path), reference_report());
            EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(path)));
        } else {
            EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(fs::path(path) / ".xc-output")));
            EXPECT_TRUE(fs::is_directory(fs::symlink_status(path)));
            const auto now = snapshot(path);
            for (const auto& [p, what] : user_files) {
                const bool users = p.find("terraform.tfstate") != std::string::npos || p.find(".terraform") != std::string::npos ||
                                   p.find("tfplan") != std::string::npos || p == "NOTES.md";
                if (users) {
                    EXPECT_EQ(now.count(p) ? now.at(p) : "<gone>", what) << p;
                }
            }
        }
        for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
            EXPECT_EQ(e.path().filename().string().find(".xc-"), std::string::npos) << "left behind: " << e.path();
    }
}

INSTANTIATE_TEST_SUITE_P(Cli, EveryOutputOption, testing::ValuesIn(options), [](const auto& info) {
    std::string name = info.param.emit_target.empty() ? "verify" : "emit_" + info.param.emit_target;
    return name;
});

// Streams the caller holds: the report goes to that descriptor as it is.
TEST(VerifyOutput, StreamsTheProcessHoldsAreWrittenThrough) {
    for (const char* name : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
        auto r = run(xc_cli("verify " + reference() + " -o " + name));
        EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
        EXPECT_EQ(r.out, reference_report()) << name;
    }
    // A pipe given as /dev/fd/N (what `>(...)` passes) and stderr.
    TempDir dir;
    auto r = run(xc_cli("verify " + reference() + " -o /dev/fd/3") + " 3>&1 | cat > " + quote((dir / "piped").string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file(dir / "piped"), reference_report());
    auto e = run(xc_cli("verify " + reference() + " -o /dev/stderr"));
    EXPECT_EQ(e.exit_code, 0);
    EXPECT_NE(e.err.find(reference_report()), std::string::npos);
    // A descriptor that is not open, or only for reading: refused.
    auto closed = run(xc_cli("verify " + reference() + " -o /dev/fd/9"));
    EXPECT_EQ(closed.exit_code, 2) << closed.err;
    auto readonly = run(xc_cli("verify " + reference() + " -o /dev/fd/3") + " 3<" + quote(xc::test::reference_model_path().string()));
    EXPECT_EQ(readonly.exit_code, 2) << readonly.err;
    EXPECT_NE(readonly.err.find("not open for writing"), std::string::npos) << readonly.err;
}

// A FIFO with a reader gets the report; a full device fails the write with exit 2.
TEST(VerifyOutput, AFifoWithAReaderGetsTheReport) {
    TempDir dir;
    const fs::path fifo = dir / "fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    auto r = run("timeout 20 sh -c " + quote(xc_cli("verify " + reference() + " -o " + quote(fifo.string()))));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = read(reader, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    close(reader);
    EXPECT_EQ(got, reference_report());
    EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
    if (fs::exists("/dev/full")) {
        auto full = run(xc_cli("verify " + reference() + " -o /dev/full"));
        EXPECT_EQ(full.exit_code, 2);
        EXPECT_NE(full.err.find("No space left"), std::string::npos) << full.err;
        EXPECT_EQ(fs::status("/dev/full").type(), fs::file_type::character);
    }
}

// Temporaries of killed report writes are removed by the next run; one a live run holds
// (locked) and look-alikes that are not the pattern are left alone.
TEST(VerifyOutput, TheNextRunRemovesTemporariesOfKilledRuns) {
    TempDir dir;
    write_file(dir / ".report.json.xc-Ab12Cd", "half a report");
    write_file(dir / ".report.json.xc-Held01", "a live run's");
    write_file(dir / ".report.json.xc-toolong1", "not the pattern");
    write_file(dir / ".other.json.xc-Ab12Cd", "another report's");
    int held = open((dir / ".report.json.xc-Held01").c_str(), O_RDONLY);
    ASSERT_GE(held, 0);
    ASSERT_EQ(flock(held, LOCK_EX), 0);
    auto r = run(xc_cli("verify " + reference() + " -o " + quote((dir / "report.json").string())));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    close(held);
    EXPECT_FALSE(fs::exists(dir / ".report.json.xc-Ab12Cd"));
    EXPECT_TRUE(fs::exists(dir / ".report.json.xc-Held01"));
    EXPECT_TRUE(fs::exists(dir / ".report.json.xc-toolong1"));
    EXPECT_TRUE(fs::exists(dir / ".other.json.xc-Ab12Cd"));
    EXPECT_EQ(read_file(dir / "report.json"), reference_report());
}

// `-o ''` names nothing: exit 2 and a message, not an internal error.
TEST(EmitOutput, AnEmptyPathIsAUsageError) {
    for (const char* target : {"terraform", "cloudformation", "lambda"}) {
        auto r = run(xc_cli("emit " + reference() + " --target " + target + " -o ''"));
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find("the output directory is an empty path"), std::string::npos) << r.err;
    }
}

// ... and for a report it does not silently mean standard output.
TEST(VerifyOutput, AnEmptyPathIsAUsageError) {
    auto r = run(xc_cli("verify " + reference() + " -o ''"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("the report file is an empty path"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

// `-o .` and `-o ..` from a folder holding the user's files (and from inside an earlier
// output): refused, nothing deleted.
TEST(EmitOutput, DotAndDotDotNeverDeleteTheUsersFiles) {
    TempDir dir;
    write_file(dir / "project/model.json", xc::test::reference_model_text());
    write_file(dir / "project/notes.txt", "notes\n");
    write_file(dir / "project/work/todo.txt", "todo\n");
    auto first = run(xc_cli("emit " + reference() + " -o " + quote((dir / "project/out").string())));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const auto before = snapshot(dir.path());
    for (const char* from : {"project", "project/work", "project/out", "project/out/consumer"})
        for (const char* target : {".", "..", "../.."}) {
            auto r = run("cd " + quote((dir / from).string()) + " && " + xc_cli("emit " + reference() + " -o " + target));
            EXPECT_EQ(r.exit_code, 2) << from << " -o " << target << ": " << r.err;
            EXPECT_EQ(snapshot(dir.path()), before) << from << " -o " << target;
        }
}

// Re-emitting over a deployed Terraform root keeps its state, providers and plan, and the
// user's own files beside xc's; a service dropped from the model leaves its state behind.
TEST(EmitOutput, ReEmittingOverADeployedRootKeepsTerraformState) {
    TempDir dir;
    const fs::path out = dir / "out";
    auto first = run(xc_cli("emit " + reference() + " --target terraform -o " + quote(out.string())));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    // The dependency lock file is a seed: written into a new root, then Terraform's (never listed
    // as xc's, so `terraform init -upgrade`'s choice is never reverted by a re-emit).
    const std::string marker = read_file(out / ".xc-output");
    for (const char* root : {"consumer", "food", "beverage"}) {
        EXPECT_EQ(read_file(out / root / ".terraform.lock.hcl").rfind("# This file is maintained automatically by \"terraform init\".", 0), 0u);
        EXPECT_EQ(marker.find(std::string(root) + "/.terraform.lock.hcl"), std::string::npos) << marker;
        EXPECT_NE(marker.find(std::string(root) + "/versions.tf"), std::string::npos) << marker;
    }
    for (const char* root : {"consumer", "food", "beverage"}) {
        write_file(out / root / "terraform.tfstate", std::string("{\"root\": \"") + root + "\"}\n");
        write_file(out / root / ".terraform.lock.hcl", "# lock\n");
        write_file(out / root / ".terraform/terraform.tfstate", "{}\n");
        write_file(out / root / "my_override.tf", "# mine\n");
    }
    // The model without the food service.
    auto model = nlohmann::json::parse(xc::test::reference_model_text());
    model["services"].erase("food");
    write_file(dir / "smaller.json", model.dump(1));
    auto again = run(xc_cli("emit " + quote((dir / "smaller.json").string()) + " --target terraform -o " + quote(out.string())));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    for (const char* root : {"consumer", "food", "beverage"}) {
        EXPECT_EQ(read_file(out / root / "terraform.tfstate"), std::string("{\"root\": \"") + root + "\"}\n") << root;
        EXPECT_EQ(read_file(out / root / ".terraform.lock.hcl"), "# lock\n");
        EXPECT_EQ(read_file(out / root / ".terraform/terraform.tfstate"), "{}\n");
        EXPECT_EQ(read_file(out / root / "my_override.tf"), "# mine\n");
    }
    EXPECT_FALSE(fs::exists(out / "food/main.tf")) << "xc's files of a dropped service go";
}

}  // namespace

}  // namespace output_safety_test
