// Where `xc verify -o PATH` writes its report, by what PATH names:
//  * nothing or a regular file: written all-or-nothing (a temporary `.<name>.xc-XXXXXX` beside
//    it, renamed over it), so a CI step that reads it finds the whole report or the previous
//    file, never half; temporaries of killed runs are removed by the next run;
//  * a stream the caller already holds — /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N —
//    written to that descriptor as it is (a pipe, a terminal, a file opened with `>` or `>>`);
//  * a character device (/dev/null, a terminal) or a FIFO, also through a symbolic link: written
//    through, never replaced. A FIFO is opened without waiting: with no reader it is refused
//    rather than hanging; a reader that goes away fails the write (EPIPE), it does not kill xc;
//  * anything else is refused, unchanged: a directory, a block device, a socket, a symbolic link
//    to a file, a directory or nothing (xc would either write somewhere the user did not name
//    or replace the link with a file).
#pragma once

#include <xc/detail/file_kind.hpp>
#include <xc/error.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xc::cli {

class OutputFileError : public OutputError {
public:
    explicit OutputFileError(std::string message) : OutputError(std::move(message), "cannot write the report") {}
};

namespace detail {

// The descriptor a path names that the process already holds, if it is one of those names.
inline std::optional<int> descriptor_named(std::string_view path) {
    if (path == "/dev/stdout") return 1;
    if (path == "/dev/stderr") return 2;
    for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        if (path.substr(0, prefix.size()) != prefix) continue;
        std::string_view digits = path.substr(prefix.size());
        if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
        return std::stoi(std::string(digits));
    }
    return std::nullopt;
}

// Write all of `text` to `fd`; a closed pipe is an error (EPIPE), not a fatal SIGPIPE.
inline void write_all(int fd, const std::string& file, const std::string& text) {
    auto previous = std::signal(SIGPIPE, SIG_IGN);
    int error = 0;
    for (std::size_t written = 0; written < text.size();) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = errno;
            break;
        }
        written += static_cast<std::size_t>(n);
    }
    std::signal(SIGPIPE, previous);
    if (error) throw OutputFileError(file + ": cannot write: " + std::strerror(error));
}

// Write into an existing character device or FIFO, opened without creating, truncating or
// waiting for a reader.
inline void write_through(const std::string& file, const std::string& text) {
    int fd = ::open(file.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO) throw OutputFileError(file + ": is a FIFO that no process is reading (xc does not wait for a reader)");
        throw OutputFileError(file + ": cannot open: " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
        ::close(fd);
        throw OutputFileError(file + ": changed while it was being opened");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // a slow reader is waited for once it is there
    try {
        write_all(fd, file, text);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

}  // namespace detail

namespace detail {

// Remove the temporaries `.<name>.xc-XXXXXX` that killed runs left beside `name`: regular files
// no live run holds locked (each run locks its own while writing it).
inline void remove_stale_temporaries(const std::filesystem::path& dir, const std::string& name) {
    namespace fs = std::filesystem;
    const std::string prefix = "." + name + ".xc-";
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string entry = it->path().filename().string();
        if (entry.size() != prefix.size() + 6 || entry.compare(0, prefix.size(), prefix) != 0) continue;
        int fd = ::open(it->path().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(it->path().c_str());
        ::close(fd);
    }
}

}  // namespace detail

// Write `text` to a temporary file beside `file`, then rename it over `file`.
inline void write_file_atomically(const std::string& file, const std::string& text) {
    namespace fs = std::filesystem;
    fs::path target(file);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    detail::remove_stale_temporaries(dir, target.filename().string());
    std::string temp = (dir / ("." + target.filename().string() + ".xc-XXXXXX")).string();
    int fd = mkstemp(temp.data());
    if (fd < 0) throw OutputFileError(file + ": cannot create a file in " + dir.string() + ": " + std::strerror(errno));
    ::flock(fd, LOCK_EX);  // ours while we write it: another run's clean-up leaves it alone
    auto fail = [&](const char* what) {
        int e = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        throw OutputFileError(file + ": cannot " + what + ": " + std::strerror(e));
    };
    for (std::size_t written = 0; written < text.size();) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write");
        }
        written += static_cast<std::size_t>(n);
    }
    // mkstemp creates the file private (0600); a report is an ordinary file (0666 less the umask).
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, 0666 & ~mask) != 0 || ::fsync(fd) != 0) fail("write");
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(temp.c_str());
        throw OutputFileError(file + ": cannot write: " + std::strerror(e));
    }
    if (std::rename(temp.c_str(), file.c_str()) != 0) {
        int e = errno;
        ::unlink(temp.c_str());
        throw OutputFileError(file + ": cannot replace: " + std::strerror(e));
    }
}

// Write the report to `file` by what it names (see the top of this file).
inline void write_output_file(const std::string& file, const std::string& text) {
    if (file.empty()) throw OutputFileError("the output path is empty");
    if (auto fd = detail::descriptor_named(file)) {
        int flags = ::fcntl(*fd, F_GETFL);
        if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
            throw OutputFileError(file + ": descriptor " + std::to_string(*fd) + " is not open for writing");
        detail::write_all(*fd, file, text);
        return;
    }
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) return detail::write_through(file, text);
    if (::lstat(file.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
            throw OutputFileError(file + ": is a symbolic link; xc neither writes through it nor replaces it: name the file itself");
        if (!S_ISREG(st.st_mode)) throw OutputFileError(file + ": is " + xc::detail::file_kind(st.st_mode) + ", not a file xc may replace");
    } else if (errno != ENOENT) {
        throw OutputFileError(file + ": " + std::strerror(errno));
    }
    write_file_atomically(file, text);
}

}  // namespace xc::cli
