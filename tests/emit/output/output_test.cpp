// Output safety (issue: "bad input never crashes xc or loses output").
//
// How an unwritable target is simulated, also when the tests run as root (root ignores
// directory permissions, so chmod alone proves nothing there):
//  * "disk full": a child process with RLIMIT_FSIZE set low and SIGXFSZ ignored, so a write
//    past the limit fails with EFBIG exactly like ENOSPC would, halfway through the output;
//    works for any user on any file system;
//  * "read-only parent": chmod 0555 when not root; as root the parent is made immutable
//    (FS_IOC_SETFLAGS / chattr +i: needs CAP_LINUX_IMMUTABLE and ext2/3/4, xfs, btrfs...);
//    where neither works the test is skipped, saying why;
//  * "a file where a directory must be created": portable, always run.
#include <gtest/gtest.h>

#include <xc/emit/file_set.hpp>

#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using xc::emit::FileSet;
using xc::emit::OutputError;
using xc::emit::write_atomically;
using xc::test::read_file;
using xc::test::TempDir;

void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    xc::test::write_file(p, text);
}

// Everything under `dir`: relative path -> content (directories as "<dir>"), with the mode.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const auto rel = fs::relative(e.path(), dir).string();
        const auto mode = std::to_string(static_cast<unsigned>(fs::status(e.path()).permissions()));
        out[rel] = (e.is_directory() ? std::string("<dir>") : read_file(e.path())) + "|" + mode;
    }
    return out;
}

// Entries of `parent` that a write left behind (staging or swapped-out directories).
std::vector<std::string> leftovers(const fs::path& parent) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(parent))
        if (e.path().filename().string().find(".xc-tmp-") != std::string::npos) out.push_back(e.path().filename().string());
    return out;
}

FileSet new_files() {
    FileSet f;
    f.add("main.tf", "resource \"x\" \"y\" {}\n");
    f.add("modules/api/api.tf", std::string(100000, 'n'));  // large: past a small RLIMIT_FSIZE
    f.add("lambda/build.sh", "#!/bin/sh\necho build\n", true);
    f.add("z-last.txt", "last\n");
    return f;
}

void write_old_output(const fs::path& dir) {
    write_file(dir / "main.tf", "old main\n");
    write_file(dir / "stale.tf", "only in the old output\n");
    write_file(dir / "modules/old/old.tf", "old module\n");
}

// Makes a directory unwritable for this process until destroyed; `how` says by what means.
class ReadOnlyDir {
public:
    explicit ReadOnlyDir(const fs::path& dir) : dir_(dir) {
        if (geteuid() != 0) {
            fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
            how_ = "chmod 0555";
            chmod_ = true;
        } else if (set_immutable(true)) {
            how_ = "immutable flag (chattr +i)";
            immutable_ = true;
        }
        // Prove it: creating an entry must fail now.
        if (!how_.empty()) {
            std::error_code ec;
            if (fs::create_directory(dir_ / "probe", ec) || !ec) {
                fs::remove(dir_ / "probe", ec);
                restore();
                how_.clear();
            }
        }
    }
    ~ReadOnlyDir() { restore(); }
    const std::string& how() const { return how_; }

private:
    bool set_immutable(bool on) {
        int fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
        if (fd < 0) return false;
        int flags = 0;
        bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
        if (ok) {
            flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
            ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
        }
        close(fd);
        return ok;
    }
    void restore() {
        if (immutable_) set_immutable(false);
        if (chmod_) fs::permissions(dir_, fs::perms::owner_all);
        immutable_ = chmod_ = false;
    }
    fs::path dir_;
    std::string how_;
    bool immutable_ = false, chmod_ = false;
};

// Runs `f` in a child process whose files may not grow past `max_bytes` (writes beyond fail
// with EFBIG, as on a full disk); returns the child's exit code.
template <class F>
int with_file_size_limit(std::size_t max_bytes, F f) {
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        rlimit lim{max_bytes, max_bytes};
        setrlimit(RLIMIT_FSIZE, &lim);
        _exit(f());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// --- library ---------------------------------------------------------------------------------

TEST(WriteAtomically, IntoAFreshDirectory) {
    TempDir tmp;
    const fs::path out = tmp / "a/b/out";
    write_atomically(new_files(), out);
    auto s = snapshot(out);
    EXPECT_EQ(read_file(out / "main.tf"), "resource \"x\" \"y\" {}\n");
    EXPECT_EQ(read_file(out / "modules/api/api.tf").size(), 100000u);
    EXPECT_TRUE((fs::status(out / "lambda/build.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
    EXPECT_TRUE((fs::status(out / "main.tf").permissions() & fs::perms::owner_exec) == fs::perms::none);
    EXPECT_EQ(s.size(), 7u);  // 4 files + modules, modules/api, lambda
    EXPECT_TRUE(leftovers(tmp / "a/b").empty());
}

TEST(WriteAtomically, ReplacesAnExistingOutputCompletely) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_old_output(out);
    write_atomically(new_files(), out);
    TempDir fresh;
    write_atomically(new_files(), fresh / "out");
    EXPECT_EQ(snapshot(out), snapshot(fresh / "out"));  // no stale.tf, no modules/old
    EXPECT_FALSE(fs::exists(out / "stale.tf"));
    EXPECT_TRUE(leftovers(tmp.path()).empty());
    // A trailing slash names the same directory.
    write_atomically(FileSet{}, (out / "").string());
    EXPECT_TRUE(fs::is_directory(out));
    EXPECT_TRUE(snapshot(out).empty());
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(WriteAtomically, ReadOnlyParentLeavesTheOldOutputAlone) {
    TempDir tmp;
    const fs::path parent = tmp / "parent", out = parent / "out";
    write_old_output(out);
    const auto before = snapshot(parent);
    ReadOnlyDir guard(parent);
    if (guard.how().empty()) GTEST_SKIP() << "cannot make a directory read-only here (root without CAP_LINUX_IMMUTABLE, or a file system without the immutable flag)";
    EXPECT_THROW(write_atomically(new_files(), out), OutputError) << "read-only by " << guard.how();
    EXPECT_EQ(snapshot(parent), before);
    EXPECT_TRUE(leftovers(parent).empty());
}

TEST(WriteAtomically, DiskFullHalfwayLeavesTheOldOutputAlone) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_old_output(out);
    const auto before = snapshot(tmp.path());
    // The first files fit, modules/api/api.tf does not: the failure is in the middle.
    int code = with_file_size_limit(4096, [&] {
        try {
            write_atomically(new_files(), out);
            return 1;  // must not succeed
        } catch (const OutputError&) {
            return 0;
        } catch (...) {
            return 2;
        }
    });
    EXPECT_EQ(code, 0);
    EXPECT_EQ(snapshot(tmp.path()), before);
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(WriteAtomically, AFileWhereADirectoryMustBeCreated) {
    TempDir tmp;
    write_file(tmp / "blocker", "a file, not a directory\n");
    const auto before = snapshot(tmp.path());
    EXPECT_THROW(write_atomically(new_files(), tmp / "blocker/out"), OutputError);
    EXPECT_THROW(write_atomically(new_files(), tmp / "blocker"), OutputError);  // target is a file
    EXPECT_EQ(snapshot(tmp.path()), before);
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(WriteAtomically, InvalidPathsAreRefusedBeforeAnythingIsWritten) {
    for (const char* bad : {"", "/etc/passwd", "../escape.tf", "a/../../b", "a\\b"}) {
        FileSet f;
        f.add("ok.tf", "x");
        EXPECT_THROW(f.add(bad, "y"), std::invalid_argument) << bad;
        EXPECT_EQ(f.size(), 1u);
    }
    FileSet twice;
    twice.add("a.tf", "1");
    EXPECT_THROW(twice.add("a.tf", "2"), std::invalid_argument);
    EXPECT_EQ(twice.at("a.tf"), "1");
    FileSet prefix;
    EXPECT_THROW(prefix.merge(twice, ".."), std::invalid_argument);
}

// FileSet keeps the bytes in large blocks: files that fill several blocks, one larger than any
// block, empty ones, copies and moves must all keep exactly their bytes.
TEST(FileSetStorage, BytesSurviveBlocksCopiesAndMoves) {
    std::map<std::string, std::string> expected;
    FileSet files;
    auto add = [&](const std::string& path, std::string content) {
        files.add(path, content);
        expected[path] = std::move(content);
    };
    for (int i = 0; i < 600; ++i)  // ~9 MB in 15 KB files: crosses the 2, 4 and 8 MB blocks
        add("many/" + std::to_string(i) + ".tf", std::string(15000 + i, static_cast<char>('a' + i % 26)));
    add("huge.bin", std::string(70u << 20, 'h'));  // larger than the largest block
    add("empty.txt", "");
    add("after.tf", "after the huge one\n");
    auto matches = [&](const FileSet& f) {
        if (f.size() != expected.size()) return false;
        for (const auto& [path, content] : expected)
            if (f.at(path) != content) return false;
        return true;
    };
    EXPECT_TRUE(matches(files));
    FileSet copy = files;
    FileSet moved = std::move(files);
    files = FileSet{};
    files.add("unrelated.tf", std::string(3u << 20, 'u'));  // reuse of the moved-from set
    EXPECT_TRUE(matches(copy));
    EXPECT_TRUE(matches(moved));
    EXPECT_EQ(files.at("unrelated.tf"), std::string(3u << 20, 'u'));
}

// --- the CLI -------------------------------------------------------------------------------------

#ifdef XC_CLI_PATH
struct Cli {
    TempDir tmp;
    fs::path out = tmp / "site/out";

    Cli() {
        write_old_output(out);
        write_file(tmp / "good.json", xc::test::reference_model_text());
    }
    xc::test::CommandResult emit(const fs::path& model, const std::string& prefix = "") {
        return xc::test::run(prefix + "exec " + xc::test::quote(XC_CLI_PATH) + " emit " + xc::test::quote(model.string()) +
                             " --target terraform -o " + xc::test::quote(out.string()));
    }
};

TEST(EmitCli, SucceedsAndReplacesTheOldOutput) {
    Cli c;
    auto r = c.emit(c.tmp / "good.json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(c.out / "stale.tf"));
    EXPECT_FALSE(fs::exists(c.out / "modules/old"));
    // Exactly what an emit into a fresh directory writes.
    const fs::path fresh = c.out.parent_path() / "fresh";
    auto again = xc::test::run(xc::test::quote(XC_CLI_PATH) + " emit " + xc::test::quote((c.tmp / "good.json").string()) +
                               " --target terraform -o " + xc::test::quote(fresh.string()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(snapshot(c.out), snapshot(fresh));
    EXPECT_TRUE(leftovers(c.out.parent_path()).empty());
}

TEST(EmitCli, BadModelExitsTwoAndTouchesNothing) {
    Cli c;
    write_file(c.tmp / "bad.json", "{\"xc\": 1, \"name\": ");
    const auto before = snapshot(c.tmp / "site");
    auto r = c.emit(c.tmp / "bad.json");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(snapshot(c.tmp / "site"), before);
}

TEST(EmitCli, ViolatingModelExitsOneAndTouchesNothing) {
    Cli c;
    auto corpus = nlohmann::json::parse(read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
    auto model = nlohmann::json::parse(xc::test::reference_model_text()).patch(corpus["mutants"][0]["patch"]);
    write_file(c.tmp / "violating.json", model.dump(1));
    const auto before = snapshot(c.tmp / "site");
    auto r = c.emit(c.tmp / "violating.json");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("refusing to emit"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(c.tmp / "site"), before);
}

TEST(EmitCli, DiskFullExitsTwoAndTouchesNothing) {
    Cli c;
    const auto before = snapshot(c.tmp / "site");
    // The shell ignores SIGXFSZ (inherited across exec) and limits file size to 8 blocks; the
    // emitted Terraform is larger, so a write fails with EFBIG midway.
    auto r = c.emit(c.tmp / "good.json", "trap '' XFSZ; ulimit -f 8; ");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("cannot write the output"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(c.tmp / "site"), before);
    EXPECT_TRUE(leftovers(c.tmp / "site").empty());
}

TEST(EmitCli, ReadOnlyTargetParentExitsTwoAndTouchesNothing) {
    Cli c;
    const auto before = snapshot(c.tmp / "site");
    ReadOnlyDir guard(c.tmp / "site");
    if (guard.how().empty()) GTEST_SKIP() << "cannot make a directory read-only here";
    auto r = c.emit(c.tmp / "good.json");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("cannot write the output"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(c.tmp / "site"), before);
}
#endif

}  // namespace
