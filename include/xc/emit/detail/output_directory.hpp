// The directory an emit writes: what xc owns in it, and how it is replaced in one step.
//
// Ownership: xc writes `.xc-output` at the root of every output, listing the files it wrote.
// A later emit into that directory replaces exactly those files and carries every other entry
// over (Terraform state, `.terraform/`, `dist/` and `build/` of a Lambda project, the user's own
// `*_override.tf` ...). A directory without the marker is written only if it is empty: xc never
// deletes, replaces or merges into what it did not write. A file of the user's where the new
// output puts one of its own is a conflict, refused before anything changes.
//
// One step: the new tree is built in a sibling `.<name>.xc-tmp-XXXXXX` (new files written,
// the user's files hard-linked, or copied where links are impossible), then exchanged with the
// target by renameat2(RENAME_EXCHANGE), so at every instant the target is either the complete
// old output or the complete new one; the old tree, now under the temporary name, is removed
// afterwards. Where the exchange is unsupported, the old tree is renamed to
// `.<name>.xc-old-XXXXXX` and the new one into place; a run killed between those two renames
// leaves no target, and the next run renames the old tree back before anything else.
// Temporaries are recognisable by name and owned by content (empty, or holding the marker,
// which is written first and removed last), so the next run removes those of killed runs; a
// lock on the parent directory keeps two runs from removing each other's work.
#pragma once

#include <xc/detail/file_kind.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xc::emit::detail {

// Why an output directory was refused or could not be written (the caller adds what failed).
class OutputDirectoryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view output_marker = ".xc-output";
inline constexpr std::string_view staging_infix = ".xc-tmp-";
inline constexpr std::string_view old_infix = ".xc-old-";
// From how many files an output is written by two threads.
inline constexpr std::size_t parallel_write_threshold = 2000;

// The marker's text: a comment saying what it is, then one owned path per line.
template <class Files>
std::string marker_text(const Files& files) {
    std::string text =
        "# Written by `xc emit`. xc owns the files listed below: the next `xc emit -o` into this\n"
        "# directory replaces them and keeps everything else (Terraform state, .terraform/, your files).\n";
    for (const auto& [path, file] : files)
        if (!file.seed) text.append(path).append(1, '\n');  // a seed is the deployer's once written
    return text;
}

inline std::set<std::string> parse_marker(const std::string& text) {
    std::set<std::string> owned;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        if (!line.empty() && line.front() != '#') owned.insert(std::move(line));
        at = end + 1;
    }
    return owned;
}

inline std::string errno_text(int e) { return std::strerror(e); }

// Reads the file's bytes into `out`; false (errno set) when it cannot.
inline bool read_whole(const std::filesystem::path& file, std::string& out) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return n == 0;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

// Whether files created with a mode get exactly that mode here, or the umask (or a default
// ACL) takes bits away and an explicit chmod must follow: found out on the first file of each
// mode, by one fstat, and then known for the rest of the run (one syscall fewer per file).
class ExactModes {
public:
    bool needs_chmod(int fd, mode_t mode) {
        std::atomic<int>& known = mode == 0644 ? r_ : mode == 0755 ? x_ : other_;
        int k = known.load(std::memory_order_relaxed);
        if (k == unknown && &known != &other_) {
            struct stat st {};
            k = ::fstat(fd, &st) == 0 && (st.st_mode & 07777) == mode ? exact : altered;
            known.store(k, std::memory_order_relaxed);
        }
        return k != exact;
    }

private:
    enum { unknown, exact, altered };
    std::atomic<int> r_{unknown}, x_{unknown}, other_{altered};
};

// Writes `bytes` to the new file `name`, relative to the directory `dir` (an open descriptor;
// `shown` is the path errors name). Relative to a directory descriptor, so that each of the
// ~100,000 files of a large output does not resolve the whole absolute path again. Created
// with its final mode in a directory only this process can enter (the staging directory is
// 0700 until the exchange): `modes` says whether a chmod must follow (null: always).
inline void write_whole_at(int dir, const char* name, const std::filesystem::path& shown, std::string_view bytes, mode_t mode,
                           ExactModes* modes = nullptr) {
    int fd = ::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, modes ? mode : 0600);
    if (fd < 0) throw OutputDirectoryError("cannot create " + shown.string() + ": " + errno_text(errno));
    for (std::size_t done = 0; done < bytes.size();) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            throw OutputDirectoryError("cannot write " + shown.string() + ": " + errno_text(e));
        }
        done += static_cast<std::size_t>(n);
    }
    // An explicit mode, not the umask's: the emitted tree is the same on every machine.
    if (((!modes || modes->needs_chmod(fd, mode)) && ::fchmod(fd, mode) != 0) || ::close(fd) != 0)
        throw OutputDirectoryError("cannot write " + shown.string() + ": " + errno_text(errno));
}

// Whether the regular file `name` in the directory `dir` holds exactly `bytes`, has `mode`, is
// this user's and has no other link: an earlier output's file that the new one can take over
// unchanged (replace_output_directory). `buffer` is scratch space, reused between calls.
inline bool same_file_at(int dir, const char* name, std::string_view bytes, mode_t mode, std::string& buffer) {
    int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    struct stat st {};
    bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == mode && st.st_nlink == 1 &&
                st.st_uid == ::geteuid() && static_cast<std::size_t>(st.st_size) == bytes.size();
    if (same) {
        buffer.resize(bytes.size() + 1);  // one byte more: a file that grew meanwhile reads longer
        std::size_t done = 0;
        for (;;) {
            ssize_t n = ::read(fd, buffer.data() + done, buffer.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
            if (done == buffer.size()) break;
        }
        same = done == bytes.size() && std::memcmp(buffer.data(), bytes.data(), bytes.size()) == 0;
    }
    ::close(fd);
    return same;
}

inline void write_whole(const std::filesystem::path& file, std::string_view bytes, mode_t mode) {
    write_whole_at(AT_FDCWD, file.c_str(), file, bytes, mode);
}

// An open directory descriptor, closed when destroyed.
class DirectoryFd {
public:
    explicit DirectoryFd(int fd) : fd_(fd) {}
    ~DirectoryFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    DirectoryFd(const DirectoryFd&) = delete;
    DirectoryFd& operator=(const DirectoryFd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// The directories of a tree, each opened from its parent one name at a time, none through a
// symbolic link: O_NOFOLLOW guards only a path's last name, so openat(root, "a/b/f") would
// follow a link at "a" or "b", out of the tree. The last directory asked for stays open (paths
// come sorted, so a directory's files come together).
class TreeDirectories {
public:
    explicit TreeDirectories(int root) : root_(root) {}
    ~TreeDirectories() { close_last(); }
    TreeDirectories(const TreeDirectories&) = delete;
    TreeDirectories& operator=(const TreeDirectories&) = delete;

    // The open directory that holds `path` (relative, '/'-separated) and the name of `path` in
    // it (a pointer into `path`, hence no temporaries); a directory of -1 when a directory on the
    // way is missing, not one, or a symbolic link.
    std::pair<int, const char*> parent_of(std::string&& path) = delete;
    std::pair<int, const char*> parent_of(const std::string& path) {
        const auto slash = path.rfind('/');
        if (slash == std::string::npos) return {root_, path.c_str()};
        const std::string_view dir(path.data(), slash);
        if (!open_ || dir != last_) {
            close_last();
            last_.assign(dir);
            open_ = true;
            int at = root_;
            for (std::size_t from = 0; at >= 0 && from <= last_.size();) {
                const std::size_t to = std::min(last_.find('/', from), last_.size());
                const std::string name = last_.substr(from, to - from);
                const int next = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (at != root_) ::close(at);
                at = next;
                from = to + 1;
            }
            fd_ = at;
        }
        return {fd_, path.c_str() + slash + 1};
    }

private:
    void close_last() {
        if (fd_ >= 0 && fd_ != root_) ::close(fd_);
        fd_ = -1;
        open_ = false;
    }

    int root_;
    int fd_ = -1;
    bool open_ = false;  // last_ was looked up (fd_ is its descriptor, or -1)
    std::string last_;
};

// Removes everything in the directory `dir` (an open descriptor, consumed) and below it, without
// following symbolic links; what cannot be removed is left, as std::filesystem::remove_all with
// an error_code would. By descriptor and d_type: remove_all stats and resolves every path in full.
inline void remove_contents_at(int dir) {
    DIR* d = ::fdopendir(dir);
    if (!d) {
        ::close(dir);
        return;
    }
    // The names first, removed after: a directory changed while it is read may list an entry twice or not at all.
    std::vector<std::string> files, subdirectories;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            is_dir = ::fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        (is_dir ? subdirectories : files).emplace_back(name);
    }
    for (const auto& f : files) ::unlinkat(dir, f.c_str(), 0);
    for (const auto& sub : subdirectories) {
        int fd = ::openat(dir, sub.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) remove_contents_at(fd);
        ::unlinkat(dir, sub.c_str(), AT_REMOVEDIR);
    }
    ::closedir(d);
}

// Remove a tree xc owns: everything but the marker first, the marker last, then the directory,
// so a removal cut short still holds the marker and is recognised (and finished) next time.
inline void remove_owned_tree(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& entry = it->path();
        if (entry.filename() == output_marker) continue;
        if (it->is_directory(ec) && !it->is_symlink(ec)) {
            int fd = ::open(entry.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) remove_contents_at(fd);
        }
        fs::remove(entry, ec);
    }
    fs::remove(dir / output_marker, ec);
    fs::remove(dir, ec);
}

// A sibling named `.<name><infix>XXXXXX` (six characters from mkdtemp's alphabet).
inline bool is_temporary_of(const std::string& entry, const std::string& name, std::string_view infix) {
    const std::string prefix = "." + name + std::string(infix);
    if (entry.size() != prefix.size() + 6 || entry.compare(0, prefix.size(), prefix) != 0) return false;
    return std::all_of(entry.begin() + static_cast<std::ptrdiff_t>(prefix.size()), entry.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// xc's own: a real directory (not a link) that is empty or holds the marker as a regular file.
inline bool is_owned_temporary(const std::filesystem::path& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    if (::lstat((dir / output_marker).c_str(), &st) == 0) return S_ISREG(st.st_mode);
    std::error_code ec;
    return std::filesystem::is_empty(dir, ec) && !ec;
}

// Before a run: put back an old tree a killed fallback swap left aside (the target is missing),
// and remove the temporaries of killed runs.
inline void recover_and_clean(const std::filesystem::path& parent, const std::string& name) {
    namespace fs = std::filesystem;
    std::vector<fs::path> staging, old;
    std::error_code ec;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string entry = it->path().filename().string();
        if (is_temporary_of(entry, name, staging_infix) && is_owned_temporary(it->path())) staging.push_back(it->path());
        if (is_temporary_of(entry, name, old_infix) && is_owned_temporary(it->path())) old.push_back(it->path());
    }
    struct stat st {};
    const fs::path target = parent / name;
    if (!old.empty() && ::lstat(target.c_str(), &st) != 0 && errno == ENOENT) {
        if (::rename(old.front().c_str(), target.c_str()) == 0) old.erase(old.begin());
    }
    for (const auto& p : staging) remove_owned_tree(p);
    for (const auto& p : old) remove_owned_tree(p);
}

// Holds an exclusive lock on a directory (flock) until destroyed; the kernel drops it when the
// process dies, so a killed run never blocks the next.
class DirectoryLock {
public:
    explicit DirectoryLock(const std::filesystem::path& dir) {
        fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd_ < 0) throw OutputDirectoryError("cannot open " + dir.string() + ": " + errno_text(errno));
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno == EINTR) continue;
            if (errno == ENOLCK || errno == EOPNOTSUPP) break;  // a file system without locks: run unlocked
            int e = errno;
            ::close(fd_);
            throw OutputDirectoryError("cannot lock " + dir.string() + ": " + errno_text(e));
        }
    }
    ~DirectoryLock() { ::close(fd_); }
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

// The absolute target: its parent resolved (symbolic links in the parent are ordinary path
// components), its last component kept as given so that a link there is seen, not followed.
inline std::filesystem::path resolve_target(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    if (dir.empty()) throw OutputDirectoryError("the output directory is an empty path");
    fs::path p = fs::absolute(dir);
    while (p.filename().empty() && p.has_relative_path()) p = p.parent_path();  // "out/" -> "out"
    const std::string last = p.filename().string();
    std::error_code ec;
    if (last == "." || last == "..") {
        p = fs::canonical(p, ec);
        if (ec) throw OutputDirectoryError(dir.string() + ": " + ec.message());
    } else if (!last.empty()) {
        p = fs::weakly_canonical(p.parent_path(), ec) / last;
        if (ec) throw OutputDirectoryError(dir.string() + ": " + ec.message());
    }
    if (p.filename().empty() || p == p.root_path()) throw OutputDirectoryError(dir.string() + ": cannot replace the root directory");
    return p;
}

// What the target holds now: nothing, an empty directory, or an output xc wrote (its files).
struct ExistingOutput {
    bool exists = false;
    mode_t mode = 0755;
    std::set<std::string> owned;  // from the marker
};

inline ExistingOutput inspect_target(const std::filesystem::path& target, const std::string& shown) {
    namespace fs = std::filesystem;
    ExistingOutput out;
    struct stat st {};
    if (::lstat(target.c_str(), &st) != 0) {
        if (errno == ENOENT) return out;
        throw OutputDirectoryError(shown + ": " + errno_text(errno));
    }
    if (S_ISLNK(st.st_mode))
        throw OutputDirectoryError(shown + " is a symbolic link: xc neither writes through it nor replaces it; name the directory itself");
    if (!S_ISDIR(st.st_mode)) throw OutputDirectoryError(shown + " exists and is " + xc::detail::file_kind(st.st_mode) + ", not a directory");
    out.exists = true;
    out.mode = st.st_mode & 07777;
    // Replacing the directory this process (and usually the user's shell) sits in would leave
    // the shell in the removed old tree, where e.g. `terraform apply` writes state into nothing.
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec) {
        const fs::path real = fs::canonical(target, ec);
        if (!ec) {
            const auto rel = cwd.lexically_relative(real);
            if (!rel.empty() && *rel.begin() != "..")
                throw OutputDirectoryError(shown + " contains the current directory; xc replaces the output directory as a whole, "
                                                   "which would leave this shell in the removed old copy: run xc from outside it");
        }
    }
    const fs::path marker = target / output_marker;
    struct stat ms {};
    if (::lstat(marker.c_str(), &ms) == 0 && S_ISREG(ms.st_mode)) {
        std::string text;
        if (!read_whole(marker, text)) throw OutputDirectoryError("cannot read " + marker.string() + ": " + errno_text(errno));
        out.owned = parse_marker(text);
        return out;
    }
    if (!fs::is_empty(target, ec) || ec)
        throw OutputDirectoryError(shown + " is not empty and was not written by xc (it has no " + std::string(output_marker) +
                                   "); xc writes only into a new or empty directory or one it wrote before, so that it never "
                                   "deletes files it did not write: choose another directory");
    return out;
}

// Calls each(dir) for every directory on the way to the relative path `path`, parents first
// ("a", then "a/b", for "a/b/f").
template <class Each>
void for_each_directory_of(std::string_view path, Each&& each) {
    for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) each(path.substr(0, slash));
}

// Paths of the new output and the directories they need (views of the paths of `f`, which must
// outlive it), to check an earlier output's entries against.
struct NewLayout {
    std::set<std::string_view> files, dirs, seeds;  // seeds: written only where no file is (File::seed)
    template <class Files>
    explicit NewLayout(const Files& f) {
        for (const auto& [path, file] : f) {
            (file.seed ? seeds : files).insert(path);
            for_each_directory_of(path, [&](std::string_view d) { dirs.insert(d); });
        }
    }
};

// Makes the directories of the files a writer writes, in the order it meets them (paths sorted,
// so a directory's files come together and parents before their children): for each file,
// those of its directories the previous file's did not have. One that exists already (carried
// over, or made by another writer) is fine if it is a directory.
class ParentDirectories {
public:
    ParentDirectories(int root, const std::filesystem::path& shown) : root_(root), shown_(shown) {}

    void make_for(std::string_view path) {
        const auto last = path.rfind('/');
        if (last == std::string_view::npos || path.substr(0, last) == made_) return;
        for_each_directory_of(path, [&](std::string_view d) {
            const bool made = made_.starts_with(d) && (made_.size() == d.size() || made_[d.size()] == '/');
            if (!made) make(std::string(d));  // not the previous file's directory or one of its parents
        });
        made_.assign(path.substr(0, last));
    }

private:
    void make(const std::string& dir) const {
        struct stat st {};
        if (::mkdirat(root_, dir.c_str(), 0777) == 0) return;
        if (errno == EEXIST && ::fstatat(root_, dir.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) return;
        throw OutputDirectoryError("cannot create directory " + (shown_ / dir).string() + ": " + errno_text(errno));
    }

    int root_;
    const std::filesystem::path& shown_;
    std::string made_;  // the last file's directory
};

// Carries the entries of an old output that xc does not own into the new tree (hard links;
// copies where a link is impossible), refusing any that the new output would overwrite.
class CarryOver {
public:
    CarryOver(std::string shown, const std::set<std::string>& owned, const NewLayout& layout)
        : shown_(std::move(shown)), owned_(owned), layout_(layout) {
        for (const auto& p : owned)
            for_each_directory_of(p, [&](std::string_view d) { owned_dirs_.emplace(d); });
    }

    void directory(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& rel = {}) const {
        namespace fs = std::filesystem;
        std::vector<std::string> names;
        std::error_code ec;
        for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
        if (ec) throw OutputDirectoryError("cannot read " + from.string() + ": " + ec.message());
        for (const auto& name : names) {
            const std::string path = rel.empty() ? name : rel + "/" + name;
            if (path == output_marker) continue;
            const fs::path src = from / name, dst = to / name;
            struct stat st {};
            if (::lstat(src.c_str(), &st) != 0) throw OutputDirectoryError("cannot read " + src.string() + ": " + errno_text(errno));
            if (S_ISDIR(st.st_mode)) {
                if (layout_.files.contains(path) || layout_.seeds.contains(path)) conflict(path, "a directory");
                const bool yours = !owned_dirs_.contains(path);
                if (yours) fs::create_directories(dst);  // kept even when empty
                directory(src, dst, path);
                if (yours) ::chmod(dst.c_str(), st.st_mode & 07777);  // after filling it: it may be read-only
                continue;
            }
            if (owned_.contains(path)) continue;  // xc's: the new output replaces it
            if (layout_.files.contains(path) || layout_.dirs.contains(path)) conflict(path, xc::detail::file_kind(st.st_mode));
            fs::create_directories(dst.parent_path());
            entry(src, dst, path, st.st_mode);
        }
    }

private:
    void entry(const std::filesystem::path& src, const std::filesystem::path& dst, const std::string& path, mode_t mode) const {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (S_ISREG(mode)) {
            if (::link(src.c_str(), dst.c_str()) == 0) return;
            fs::copy_file(src, dst, fs::copy_options::none, ec);  // another file system, or links forbidden; copies the mode
        } else if (S_ISLNK(mode)) {
            fs::copy_symlink(src, dst, ec);
        } else if (S_ISFIFO(mode)) {
            if (::mkfifo(dst.c_str(), mode & 07777) != 0) ec = std::error_code(errno, std::generic_category());
        } else {
            throw OutputDirectoryError(shown_ + "/" + path + " is " + xc::detail::file_kind(mode) +
                                       ", which xc cannot carry into the new output: move it away and emit again");
        }
        if (ec) throw OutputDirectoryError("cannot keep " + src.string() + ": " + ec.message());
    }

    [[noreturn]] void conflict(const std::string& path, const std::string& what) const {
        throw OutputDirectoryError(shown_ + "/" + path + " is " + what + " of yours (not listed in " + std::string(output_marker) +
                                   ") where the new output writes " + (layout_.files.contains(path) || layout_.seeds.contains(path) ? "a file" : "a directory") +
                                   "; xc never overwrites what it did not write: move it away and emit again");
    }

    std::string shown_;
    const std::set<std::string>& owned_;
    const NewLayout& layout_;
    std::set<std::string> owned_dirs_;
};

// Exchange `staging` and `target` in one step; if `target` is missing, rename into place.
// Returns where the old tree now is (empty if there was none).
inline std::filesystem::path swap_into_place(const std::filesystem::path& staging, const std::filesystem::path& target, bool target_exists) {
    namespace fs = std::filesystem;
    if (!target_exists) {
#if defined(__linux__) && defined(RENAME_NOREPLACE)
        if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) return {};
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
            throw OutputDirectoryError("cannot rename " + staging.string() + " to " + target.string() + ": " + errno_text(errno));
#endif
        if (::rename(staging.c_str(), target.c_str()) != 0)
            throw OutputDirectoryError("cannot rename " + staging.string() + " to " + target.string() + ": " + errno_text(errno));
        return {};
    }
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) return staging;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        throw OutputDirectoryError("cannot exchange " + staging.string() + " and " + target.string() + ": " + errno_text(errno));
#endif
    // Fallback (no RENAME_EXCHANGE here): two renames; recover_and_clean repairs a kill between.
    std::string old = staging.string();
    old.replace(old.size() - 6 - staging_infix.size(), staging_infix.size(), old_infix);
    if (::rename(target.c_str(), old.c_str()) != 0)
        throw OutputDirectoryError("cannot move " + target.string() + " aside: " + errno_text(errno));
    if (::rename(staging.c_str(), target.c_str()) != 0) {
        int e = errno;
        ::rename(old.c_str(), target.c_str());
        throw OutputDirectoryError("cannot rename " + staging.string() + " to " + target.string() + ": " + errno_text(e));
    }
    return old;
}

// Write `files` (path -> {content, executable}, ordered) as the output directory `dir`.
template <class Files>
void replace_output_directory(const Files& files, const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    const fs::path target = resolve_target(dir);
    const std::string shown = dir.string();
    const fs::path parent = target.parent_path();
    const std::string name = target.filename().string();
    for (const auto& [path, file] : files)
        if (path == output_marker) throw OutputDirectoryError(std::string(output_marker) + " is xc's ownership marker, not an emitted file");

    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw OutputDirectoryError("cannot create " + parent.string() + ": " + ec.message());
    DirectoryLock lock(parent);
    recover_and_clean(parent, name);
    const ExistingOutput existing = inspect_target(target, shown);

    std::string pattern = (parent / ("." + name + std::string(staging_infix) + "XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
        throw OutputDirectoryError("cannot create a temporary directory in " + parent.string() + ": " + errno_text(errno));
    const fs::path staging = pattern;
    try {
        // The marker first: from here on the temporary is recognisably xc's.
        write_whole(staging / output_marker, marker_text(files), 0644);
        if (existing.exists) CarryOver(shown, existing.owned, NewLayout(files)).directory(target, staging);
        // Every file (and the directories it needs) relative to the staging directory's descriptor.
        const DirectoryFd root(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (root.get() < 0) throw OutputDirectoryError("cannot open " + staging.string() + ": " + errno_text(errno));
        // An earlier output's file whose bytes (and mode) are unchanged is hard-linked into the new
        // tree instead of written again: no new inode or data blocks (on ext4 a new inode near
        // many recently deleted ones is costly: it searches for one not deleted in the last
        // seconds), and removing the old tree then frees nothing that is still in use. The link
        // shares the inode with the old tree only until the old tree is removed, right after the
        // exchange below (or by the next run, if this one is killed in between); both trees are
        // xc's own files, under the parent's lock, and same_file_at takes only a file with no
        // other link, so nothing of the user's comes to share it (their files are carried over
        // by links already, CarryOver).
        const DirectoryFd old_root(existing.exists ? ::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1);
        ExactModes modes;
        std::atomic<bool> failed{false};
        std::vector<const typename Files::value_type*> order;
        order.reserve(files.size());
        for (const auto& entry : files) order.push_back(&entry);
        auto write_range = [&](std::size_t from, std::size_t to) {
            std::string buffer;
            TreeDirectories old_dirs(old_root.get());
            ParentDirectories new_dirs(root.get(), staging);
            for (std::size_t i = from; i < to && !failed.load(std::memory_order_relaxed); ++i) {
                const auto& [path, file] = *order[i];
                new_dirs.make_for(path);
                struct stat st {};
                if (file.seed && (::fstatat(root.get(), path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || (errno != ENOENT && errno != ENOTDIR)))
                    continue;  // the deployer's, carried over
                const mode_t mode = file.executable ? 0755 : 0644;
                if (old_root.get() >= 0 && !file.seed && existing.owned.contains(path)) {
                    const auto [old_dir, name] = old_dirs.parent_of(path);
                    if (old_dir >= 0 && same_file_at(old_dir, name, file.content, mode, buffer) &&
                        ::linkat(old_dir, name, root.get(), path.c_str(), 0) == 0)
                        continue;  // else (links refused, too many links, ...) written anew
                }
                write_whole_at(root.get(), path.c_str(), staging / path, file.content, mode, &modes);
            }
        };
        // Two writers over halves of the (path-ordered) files: creating files is mostly kernel
        // time, and the halves fall into different directories. The first error stops both.
        const std::size_t half = order.size() >= parallel_write_threshold ? order.size() / 2 : order.size();
        std::exception_ptr second_error;
        std::thread second;
        if (half < order.size())
            second = std::thread([&] {
                try {
                    write_range(half, order.size());
                } catch (...) {
                    second_error = std::current_exception();
                    failed = true;
                }
            });
        try {
            write_range(0, half);
        } catch (...) {
            failed = true;
            if (second.joinable()) second.join();
            throw;
        }
        if (second.joinable()) second.join();
        if (second_error) std::rethrow_exception(second_error);
        if (::chmod(staging.c_str(), existing.mode) != 0)
            throw OutputDirectoryError("cannot set the mode of " + staging.string() + ": " + errno_text(errno));
        const fs::path old = swap_into_place(staging, target, existing.exists);
        if (!old.empty()) remove_owned_tree(old);
    } catch (...) {
        remove_owned_tree(staging);
        throw;
    }
}

}  // namespace xc::emit::detail
