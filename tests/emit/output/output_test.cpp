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

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace output_test {

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

// Everything under `dir`: relative path -> what it is (content, "<dir>", "<link:target>",
// "<fifo>"), with the mode; links are not followed.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    if (!fs::exists(fs::symlink_status(dir))) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const auto rel = e.path().lexically_relative(dir).string();
        const auto st = fs::symlink_status(e.path());
        const auto mode = std::to_string(static_cast<unsigned>(st.permissions()));
        std::string what = fs::is_symlink(st)     ? "<link:" + fs::read_symlink(e.path()).string() + ">"
                           : fs::is_directory(st) ? std::string("<dir>")
                           : fs::is_fifo(st)      ? std::string("<fifo>")
                                                  : read_file(e.path());
        out[rel] = what + "|" + mode;
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

FileSet old_files() {
    FileSet f;
    f.add("main.tf", "old main\n");
    f.add("stale.tf", "only in the old output\n");
    f.add("modules/old/old.tf", "old module\n");
    return f;
}

// An earlier output of xc (it carries the ownership marker).
void write_old_output(const fs::path& dir) { write_atomically(old_files(), dir); }

// What a user adds to an emitted root: Terraform state, providers, their own files.
void add_user_files(const fs::path& dir) {
    write_file(dir / "terraform.tfstate", "{\"version\": 4, \"serial\": 7}\n");
    write_file(dir / ".terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws", "ELF");
    fs::create_directory_symlink("registry.terraform.io/hashicorp", dir / ".terraform/providers/hashicorp");
    write_file(dir / "my_override.tf", "# the user's own\n");
    write_file(dir / "modules/old/notes.txt", "the user's notes inside an xc directory\n");
    fs::create_directories(dir / "empty-dir-of-mine");
    mkfifo((dir / "my.fifo").c_str(), 0640);
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

// Writing `files` to `out` on a disk that takes no file past `max_bytes` fails with an
// OutputError and leaves `parent` (the output's) exactly as it was, with no temporaries.
void expect_a_full_disk_changes_nothing(const fs::path& parent, const fs::path& out, const FileSet& files, std::size_t max_bytes) {
    const auto before = snapshot(parent);
    int code = with_file_size_limit(max_bytes, [&] {
        try {
            write_atomically(files, out);
            return 1;  // must not succeed
        } catch (const OutputError&) {
            return 0;
        } catch (...) {
            return 2;
        }
    });
    EXPECT_EQ(code, 0);
    EXPECT_EQ(snapshot(parent), before);
    EXPECT_TRUE(leftovers(parent).empty());
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
    EXPECT_EQ(s.size(), 8u);  // 4 files + modules, modules/api, lambda + the ownership marker
    EXPECT_EQ(read_file(out / ".xc-output"),
              "# Written by `xc emit`. xc owns the files listed below: the next `xc emit -o` into this\n"
              "# directory replaces them and keeps everything else (Terraform state, .terraform/, your files).\n"
              "lambda/build.sh\nmain.tf\nmodules/api/api.tf\nz-last.txt\n");
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
    EXPECT_EQ(snapshot(out).size(), 1u);  // only the marker, listing nothing
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
    // The first files fit, modules/api/api.tf does not: the failure is in the middle.
    expect_a_full_disk_changes_nothing(tmp.path(), out, new_files(), 4096);
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

// Ownership: an earlier output's own files are replaced, everything else in it is kept as it
// was (same inode: hard-linked, not copied), wherever it sits in the tree.
TEST(OutputOwnership, ReEmittingKeepsEveryEntryXcDidNotWrite) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_old_output(out);
    add_user_files(out);
    struct stat state_before {};
    ASSERT_EQ(lstat((out / "terraform.tfstate").c_str(), &state_before), 0);
    auto before = snapshot(out);
    write_atomically(new_files(), out);
    auto after = snapshot(out);
    for (const auto& [path, what] : before) {
        if (old_files().contains(path) || path == ".xc-output" || path == "modules" || path == "modules/old") continue;
        EXPECT_EQ(after[path], what) << path << " is the user's and must be kept as it was";
    }
    EXPECT_FALSE(fs::exists(out / "stale.tf"));             // xc's, no longer emitted
    EXPECT_FALSE(fs::exists(out / "modules/old/old.tf"));   // xc's
    EXPECT_EQ(read_file(out / "main.tf"), "resource \"x\" \"y\" {}\n");
    EXPECT_TRUE(fs::is_fifo(fs::symlink_status(out / "my.fifo")));
    EXPECT_TRUE(fs::is_symlink(fs::symlink_status(out / ".terraform/providers/hashicorp")));
    struct stat state_after {};
    ASSERT_EQ(lstat((out / "terraform.tfstate").c_str(), &state_after), 0);
    EXPECT_EQ(state_after.st_ino, state_before.st_ino);  // the same file, not a copy
    EXPECT_EQ(state_after.st_nlink, 1u);                 // and the old tree's link is gone
    // The marker lists xc's files only: a third emit still keeps the user's.
    EXPECT_EQ(read_file(out / ".xc-output").find("terraform.tfstate"), std::string::npos);
    write_atomically(old_files(), out);
    EXPECT_EQ(read_file(out / "terraform.tfstate"), "{\"version\": 4, \"serial\": 7}\n");
    EXPECT_FALSE(fs::exists(out / "z-last.txt"));
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

// A user's entry where the new output writes one of its own: refused, nothing changes.
TEST(OutputOwnership, AUserFileWhereTheNewOutputWritesIsRefused) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_old_output(out);
    struct Case {
        std::string path;
        bool directory;
    };
    for (const Case& c : {Case{"z-last.txt", false}, Case{"lambda", false}, Case{"lambda/build.sh", true}, Case{"modules/api", false}}) {
        TempDir t2;
        const fs::path o = t2 / "out";
        write_old_output(o);
        if (c.directory) fs::create_directories(o / c.path);
        else write_file(o / c.path, "mine\n");
        const auto before = snapshot(t2.path());
        try {
            write_atomically(new_files(), o);
            ADD_FAILURE() << c.path << ": overwritten";
        } catch (const OutputError& e) {
            EXPECT_NE(std::string(e.what()).find(c.path + " is a"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("of yours"), std::string::npos) << e.what();
        }
        EXPECT_EQ(snapshot(t2.path()), before) << c.path;
    }
}

TEST(OutputOwnership, ANonEmptyDirectoryXcDidNotWriteIsRefusedAnEmptyOneIsUsed) {
    TempDir tmp;
    write_file(tmp / "site/model.json", "{}\n");
    write_file(tmp / "site/.hidden", "x\n");
    write_file(tmp / "site/.xc-output/inside", "a directory named like the marker is no marker\n");
    const auto before = snapshot(tmp.path());
    for (const char* dir : {"site", "site/"}) {
        try {
            write_atomically(new_files(), tmp / dir);
            ADD_FAILURE() << "wrote into a foreign directory";
        } catch (const OutputError& e) {
            EXPECT_NE(std::string(e.what()).find("not written by xc"), std::string::npos) << e.what();
        }
        EXPECT_EQ(snapshot(tmp.path()), before);
    }
    fs::create_directories(tmp / "empty");
    write_atomically(new_files(), tmp / "empty");
    EXPECT_TRUE(fs::exists(tmp / "empty/.xc-output"));
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

// The process's working directory inside the target: replacing it would strand the shell.
TEST(OutputOwnership, TheCurrentDirectoryOrAnAncestorIsRefused) {
    TempDir tmp;
    write_old_output(tmp / "out");
    fs::create_directories(tmp / "out/sub");
    const auto before = snapshot(tmp.path());
    const fs::path cwd = fs::current_path();
    for (const fs::path& from : {tmp / "out", tmp / "out/sub"}) {
        fs::current_path(from);
        for (const char* dir : {".", "..", "../.."}) {
            if (from == tmp / "out" && std::string(dir) == "../..") continue;  // that is tmp's parent, not an output
            EXPECT_THROW(write_atomically(new_files(), dir), OutputError) << from << " " << dir;
        }
        fs::current_path(cwd);
        EXPECT_EQ(snapshot(tmp.path()), before);
    }
}

// Links, devices and FIFOs at the target are refused and stay what they were.
TEST(OutputOwnership, LinksAndSpecialFilesAreNeitherFollowedNorReplaced) {
    TempDir tmp;
    write_old_output(tmp / "real");
    write_file(tmp / "file", "a file\n");
    fs::create_directory_symlink("real", tmp / "link-to-dir");
    fs::create_symlink("file", tmp / "link-to-file");
    fs::create_symlink("nowhere", tmp / "dangling");
    ASSERT_EQ(mkfifo((tmp / "fifo").c_str(), 0600), 0);
    const auto before = snapshot(tmp.path());
    for (const char* name : {"link-to-dir", "link-to-dir/", "link-to-file", "dangling", "fifo", "file"})
        EXPECT_THROW(write_atomically(new_files(), tmp / name), OutputError) << name;
    EXPECT_EQ(snapshot(tmp.path()), before);
    EXPECT_THROW(write_atomically(new_files(), "/dev/null"), OutputError);
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
    EXPECT_THROW(write_atomically(new_files(), ""), OutputError);
    EXPECT_THROW(write_atomically(new_files(), "/"), OutputError);
}

// Temporaries of killed runs: removed by the next run when they are xc's (empty, or holding
// the marker); an old tree a killed fallback swap left aside is put back first; look-alikes
// that are not xc's are left alone.
TEST(OutputOwnership, TheNextRunCleansUpAfterKilledRuns) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    fs::create_directories(tmp / ".out.xc-tmp-aaaaaa");                          // killed right after mkdtemp
    write_old_output(tmp / ".out.xc-tmp-bbbbbb");                               // killed while writing or removing
    write_file(tmp / ".out.xc-tmp-cccccc/theirs.txt", "not xc's: no marker\n");  // a look-alike
    write_file(tmp / ".out.xc-tmp-toolong7/x", "");                             // not the pattern
    write_file(tmp / ".other.xc-tmp-dddddd/.xc-output", "");                    // another output's
    write_atomically(new_files(), out);
    EXPECT_FALSE(fs::exists(tmp / ".out.xc-tmp-aaaaaa"));
    EXPECT_FALSE(fs::exists(tmp / ".out.xc-tmp-bbbbbb"));
    EXPECT_TRUE(fs::exists(tmp / ".out.xc-tmp-cccccc/theirs.txt"));
    EXPECT_TRUE(fs::exists(tmp / ".out.xc-tmp-toolong7/x"));
    EXPECT_TRUE(fs::exists(tmp / ".other.xc-tmp-dddddd/.xc-output"));

    // Killed between the fallback's two renames: the target is missing, the old tree aside.
    TempDir t2;
    write_old_output(t2 / ".out.xc-old-eeeeee");
    add_user_files(t2 / ".out.xc-old-eeeeee");
    write_atomically(new_files(), t2 / "out");
    EXPECT_EQ(read_file(t2 / "out/terraform.tfstate"), "{\"version\": 4, \"serial\": 7}\n");  // restored, then kept
    EXPECT_EQ(read_file(t2 / "out/main.tf"), "resource \"x\" \"y\" {}\n");
    EXPECT_TRUE(leftovers(t2.path()).empty());
}

// SIGKILL at random moments of a write over an earlier output with the user's files: the
// target is always the complete old or the complete new output, the user's files always
// there, and the next run leaves nothing behind. (scripts/emit-kill-stress.sh does the same
// to the CLI with a 3,000-service model.)
TEST(OutputOwnership, AKillAtAnyMomentLeavesTheOldOrTheNewOutput) {
    FileSet big;
    for (int i = 0; i < 600; ++i) big.add("svc-" + std::to_string(i % 20) + "/f" + std::to_string(i) + ".tf", std::string(2000, 'b'));
    TempDir ref;
    write_old_output(ref / "old");
    add_user_files(ref / "old");
    // How long a write takes here: the kills are spread over it, from the first file to the swap.
    const auto start = std::chrono::steady_clock::now();
    write_atomically(big, ref / "old");
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
    const auto new_snapshot = snapshot(ref / "old");
    constexpr int rounds = 10;
    int old_seen = 0, new_seen = 0;
    for (int round = 0; round < rounds; ++round) {
        TempDir tmp;
        const fs::path out = tmp / "out";
        write_old_output(out);
        add_user_files(out);
        const auto old_snapshot = snapshot(out);
        pid_t pid = fork();
        if (pid == 0) {
            write_atomically(big, out);
            _exit(0);
        }
        usleep(static_cast<useconds_t>(took * (2 * round + 1) / (2 * rounds) * 6 / 5));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        const auto now = snapshot(out);
        if (now == old_snapshot) ++old_seen;
        else if (now == new_snapshot) ++new_seen;
        else ADD_FAILURE() << "round " << round << ": neither the old nor the new output";
        write_atomically(big, out);
        EXPECT_EQ(snapshot(out), new_snapshot) << round;
        EXPECT_TRUE(leftovers(tmp.path()).empty()) << round;
    }
    RecordProperty("old_seen", old_seen);
    RecordProperty("new_seen", new_seen);
}

TEST(WriteAtomically, InvalidPathsAreRefusedBeforeAnythingIsWritten) {
    for (const char* bad : {"", "/etc/passwd", "../escape.tf", "a/../../b", "a\\b", "a\nb.tf", "tab\t.tf", "del\x7f.tf"}) {
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

// A prefix chosen after its files were added: written in front of each, in place; the set
// cannot be read (or copied) before every prefix is set.
TEST(FileSetStorage, PrefixesChosenLaterAreWrittenInFrontOfTheirFiles) {
    FileSet files;
    const FileSet::Prefix head = files.reserve_prefix(12), none = files.reserve_prefix(5);
    files.add("a.tf", head, "body a\n");
    files.add("plain.tf", "plain\n");
    files.add("big.tf", head, std::string(3u << 20, 'b'));  // in a block of its own
    files.add("empty.tf", head, "");
    files.add("lock.hcl", none, "lock\n", false, true);
    EXPECT_THROW(files.files(), std::logic_error);
    EXPECT_THROW(FileSet{files}, std::logic_error);
    EXPECT_THROW(files.set_prefix(head, "thirteen byte"), std::invalid_argument);  // longer than reserved
    files.set_prefix(head, "# head\n");
    EXPECT_THROW(files.files(), std::logic_error);  // `none` is still pending
    files.set_prefix(none, "");
    EXPECT_THROW(files.set_prefix(none, ""), std::invalid_argument);  // set once
    EXPECT_EQ(files.at("a.tf"), "# head\nbody a\n");
    EXPECT_EQ(files.at("plain.tf"), "plain\n");
    EXPECT_EQ(files.at("big.tf"), "# head\n" + std::string(3u << 20, 'b'));
    EXPECT_EQ(files.at("empty.tf"), "# head\n");
    EXPECT_EQ(files.at("lock.hcl"), "lock\n");
    EXPECT_TRUE(files.files().at("lock.hcl").seed);
    const FileSet copy = files;
    EXPECT_EQ(copy.at("a.tf"), "# head\nbody a\n");
}

// A FileSet built elsewhere (another thread's) joins one: its files and bytes are kept without
// copying, the store goes on after them, and what cannot join (a pending prefix, a path in
// both) is refused.
TEST(FileSetStorage, AbsorbedSetsKeepTheirBytes) {
    std::map<std::string, std::string> expected;
    FileSet all, other;
    for (int i = 0; i < 300; ++i) {  // ~4.5 MB each: several blocks in both
        const std::string a = "a/" + std::to_string(i) + ".tf", b = "b/" + std::to_string(i) + ".tf";
        all.add(a, std::string(15000 + i, 'a'));
        other.add(b, std::string(15000 + i, 'b'));
        expected[a] = std::string(15000 + i, 'a');
        expected[b] = std::string(15000 + i, 'b');
    }
    const char* other_bytes = other.at("b/0.tf").data();
    all.absorb(std::move(other));
    EXPECT_EQ(all.at("b/0.tf").data(), other_bytes);  // not copied
    all.add("after.tf", "stored after the absorbed blocks\n");
    expected["after.tf"] = "stored after the absorbed blocks\n";
    EXPECT_EQ(other.size(), 0u);
    ASSERT_EQ(all.size(), expected.size());
    for (const auto& [path, content] : expected) EXPECT_EQ(all.at(path), content) << path;
    const FileSet copy = all;
    EXPECT_EQ(copy.at("b/299.tf"), std::string(15299, 'b'));
    all.absorb(FileSet{});  // nothing to take
    EXPECT_EQ(all.size(), expected.size());
    FileSet between;  // paths among and after this set's, not only after
    for (const char* path : {"a/150x.tf", "b/7x.tf", "zz.tf"}) {
        between.add(path, std::string(path) + "\n");
        expected[path] = std::string(path) + "\n";
    }
    all.absorb(std::move(between));
    ASSERT_EQ(all.size(), expected.size());
    for (const auto& [path, content] : expected) EXPECT_EQ(all.at(path), content) << path;

    FileSet twice;
    twice.add("after.tf", "again\n");
    twice.add("new.tf", "new\n");
    EXPECT_THROW(all.absorb(std::move(twice)), std::invalid_argument);
    EXPECT_EQ(all.at("after.tf"), "stored after the absorbed blocks\n");  // the first one stays
    EXPECT_EQ(all.at("new.tf"), "new\n");                                   // and the others join

    FileSet pending;
    const FileSet::Prefix head = pending.reserve_prefix(4);
    pending.add("p.tf", head, "body\n");
    EXPECT_THROW(all.absorb(std::move(pending)), std::logic_error);
    FileSet waiting;
    waiting.reserve_prefix(4);
    EXPECT_THROW(waiting.absorb(FileSet{}), std::logic_error);
}

// Enough files to be written by two threads (detail::parallel_write_threshold), in many
// directories; `changed` alters every file whose number is a multiple of it.
FileSet many_files(int changed = 0) {
    FileSet f;
    for (int i = 0; i < 3000; ++i) {
        const std::string content = "file " + std::to_string(i) + (changed && i % changed == 0 ? " changed\n" : "\n");
        f.add("stack" + std::to_string(i / 10) + "/f" + std::to_string(i % 10) + ".tf", content, i % 7 == 0);
    }
    return f;
}

ino_t inode(const fs::path& p) {
    struct stat st {};
    return lstat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}
nlink_t links(const fs::path& p) {
    struct stat st {};
    return lstat(p.c_str(), &st) == 0 ? st.st_nlink : 0;
}

TEST(WriteAtomically, ALargeOutputIsWrittenCompletely) {
    TempDir tmp;
    const FileSet files = many_files();
    write_atomically(files, tmp / "out");
    TempDir other;
    for (const auto& [path, file] : files.files()) write_file(other / "out" / path, std::string(file.content));
    auto expected = snapshot(other / "out");
    for (auto& [path, what] : expected)  // write_file leaves the umask's mode; xc sets 0755 / 0644
        if (path.size() > 3 && path.ends_with(".tf"))
            what = what.substr(0, what.rfind('|') + 1) + std::to_string(files.files().at(path).executable ? 0755 : 0644);
    auto written = snapshot(tmp / "out");
    written.erase(".xc-output");
    EXPECT_EQ(written, expected);
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

// The writers make the directories as they meet them (detail::ParentDirectories): nested ones,
// names that sort around a directory's files ("d1-x" < "d1/" < "d10"), a directory both writers
// need (at the halves' cut), and one carried over from the earlier output all come out right.
TEST(WriteAtomically, NestedDirectoriesAreMadeByTheWriters) {
    FileSet files;
    for (int i = 0; i < 2400; ++i)
        files.add("d" + std::to_string(i / 100) + "/sub" + std::to_string(i % 3) + "/x/f" + std::to_string(i) + ".tf", std::to_string(i));
    for (const char* p : {"d1-x/a.tf", "d1-x/y/z/b.tf", "top.tf", "d1/sub0/c.tf", "d1/sub0/x/y/deep.tf", "e/f/g/h/i.tf"}) files.add(p, p);
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_atomically(files, out);
    auto check = [&] {
        std::set<std::string> dirs;
        for (const auto& [path, file] : files.files()) {
            EXPECT_EQ(read_file(out / path), file.content) << path;
            for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) dirs.insert(path.substr(0, slash));
        }
        std::set<std::string> found;
        for (const auto& e : fs::recursive_directory_iterator(out))
            if (e.is_directory()) found.insert(fs::relative(e.path(), out).string());
        found.erase("mine");
        EXPECT_EQ(found, dirs);
    };
    check();
    // Again over the first output, with a directory of the user's inside one xc writes into.
    fs::create_directories(out / "d12/sub1/mine");
    write_file(out / "d12/sub1/mine/notes.txt", "mine\n");
    fs::create_directories(out / "mine");
    write_atomically(files, out);
    EXPECT_EQ(read_file(out / "d12/sub1/mine/notes.txt"), "mine\n");
    EXPECT_TRUE(fs::is_directory(out / "mine"));
    files.add("d12/sub1/mine/new.tf", "new");  // into the user's directory
    write_atomically(files, out);
    EXPECT_EQ(read_file(out / "d12/sub1/mine/notes.txt"), "mine\n");
    check();
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

// Re-emitting over an earlier output takes the unchanged files over by hard links (same inode,
// one link once the old tree is gone) and writes the changed ones; the result is the same
// tree a fresh write gives, and the user's files are kept.
TEST(OutputOwnership, ReEmittingTakesOverUnchangedFilesAndWritesChangedOnes) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_atomically(many_files(), out);
    write_file(out / "stack5/my_override.tf", "# mine\n");
    const ino_t unchanged = inode(out / "stack0/f1.tf"), changed = inode(out / "stack0/f0.tf"), mine = inode(out / "stack5/my_override.tf");
    // A file the user made writable by everyone, and one they linked elsewhere: neither is taken
    // over (the new output has 0644 files, and must not share an inode with the user's link).
    fs::permissions(out / "stack1/f1.tf", fs::perms::all);
    ASSERT_EQ(link((out / "stack2/f1.tf").c_str(), (tmp / "my-link.tf").c_str()), 0);
    const ino_t chmodded = inode(out / "stack1/f1.tf"), linked = inode(out / "stack2/f1.tf");
    write_atomically(many_files(3), out);
    EXPECT_EQ(inode(out / "stack0/f1.tf"), unchanged);
    EXPECT_EQ(links(out / "stack0/f1.tf"), 1u);
    EXPECT_NE(inode(out / "stack0/f0.tf"), changed);
    EXPECT_EQ(read_file(out / "stack0/f0.tf"), "file 0 changed\n");
    EXPECT_NE(inode(out / "stack1/f1.tf"), chmodded);
    EXPECT_NE(inode(out / "stack2/f1.tf"), linked);
    EXPECT_EQ(links(tmp / "my-link.tf"), 1u);
    EXPECT_EQ(inode(out / "stack5/my_override.tf"), mine);
    TempDir fresh;
    write_atomically(many_files(3), fresh / "out");
    auto got = snapshot(out);
    EXPECT_EQ(got["stack5/my_override.tf"], "# mine\n|" + std::to_string(static_cast<unsigned>(fs::status(out / "stack5/my_override.tf").permissions())));
    got.erase("stack5/my_override.tf");
    EXPECT_EQ(got, snapshot(fresh / "out"));
    EXPECT_TRUE(leftovers(tmp.path()).empty());
}

// Re-emitting opens the old output's directories one name at a time: a directory swapped for a
// symbolic link (here to a copy of the same files outside the output) is not followed, so none
// of the new output's files can become a link to a file outside the old output.
TEST(OutputOwnership, TheOldOutputsDirectoriesAreOpenedWithoutFollowingLinks) {
    TempDir tmp;
    write_file(tmp / "tree/a/b/f.tf", "f\n");
    write_file(tmp / "tree/top.tf", "t\n");
    write_file(tmp / "outside/b/f.tf", "f\n");
    fs::create_directory_symlink(tmp / "outside", tmp / "tree/link");
    fs::create_directory_symlink(tmp / "outside/b", tmp / "tree/a/blink");
    const int root = ::open((tmp / "tree").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root, 0);
    {
        xc::emit::detail::TreeDirectories dirs(root);
        const std::string top_file = "top.tf", deep = "a/b/f.tf";
        auto [top, top_name] = dirs.parent_of(top_file);
        EXPECT_EQ(top, root);
        EXPECT_STREQ(top_name, "top.tf");
        for (int again = 0; again < 2; ++again) {  // the second time from the directory kept open
            auto [dir, name] = dirs.parent_of(deep);
            ASSERT_GE(dir, 0);
            EXPECT_STREQ(name, "f.tf");
            struct stat st {};
            ASSERT_EQ(::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW), 0);
            EXPECT_EQ(st.st_ino, inode(tmp / "tree/a/b/f.tf"));
        }
        for (const std::string through_a_link : {"link/b/f.tf", "a/blink/f.tf", "link/f.tf"})
            EXPECT_EQ(dirs.parent_of(through_a_link).first, -1) << through_a_link;
        for (const std::string not_a_directory : {"a/missing/f.tf", "top.tf/f.tf"})
            EXPECT_EQ(dirs.parent_of(not_a_directory).first, -1) << not_a_directory;
        EXPECT_GE(dirs.parent_of(deep).first, 0);  // and back to a real one
    }
    ::close(root);
}

// A write failing in the second writer's half (the last file does not fit) leaves the old
// output as it was, whole, and no temporaries.
TEST(WriteAtomically, DiskFullInALargeOutputLeavesTheOldOutputAlone) {
    TempDir tmp;
    const fs::path out = tmp / "out";
    write_atomically(many_files(), out);
    FileSet bigger = many_files(2);
    bigger.add("zz/too-big.tf", std::string(100000, 'z'));  // the last file; the marker (~50 KB) fits
    expect_a_full_disk_changes_nothing(tmp.path(), out, bigger, 65536);
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

}  // namespace output_test
