// Writing a report file all-or-nothing: a CI step that reads it finds the whole report or the
// previous file, never half of one.
#pragma once

#include <xc/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace xc::cli {

class OutputFileError : public OutputError {
public:
    explicit OutputFileError(std::string message) : OutputError(std::move(message), "cannot write the report") {}
};

// Write `text` to a temporary file beside `file`, then rename it over `file`.
inline void write_file_atomically(const std::string& file, const std::string& text) {
    namespace fs = std::filesystem;
    fs::path target(file);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string temp = (dir / ("." + target.filename().string() + ".xc-XXXXXX")).string();
    int fd = mkstemp(temp.data());
    if (fd < 0) throw OutputFileError(file + ": cannot create a file in " + dir.string() + ": " + std::strerror(errno));
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

}  // namespace xc::cli
