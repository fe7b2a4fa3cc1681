// The output of an emitter: a set of files, written all-or-nothing.
//
// Emitters build a FileSet in memory (relative path -> bytes, ordered, so output is
// deterministic); `write_atomically` writes it into a fresh sibling temporary directory and
// renames that into place only when every file was written, so an error leaves neither
// partial output nor a half-replaced previous output.
#pragma once

#include <xc/diagnostic.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>

#include <unistd.h>

namespace xc::emit {

// An output error (cannot create or write the target): not the model's fault.
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class FileSet {
public:
    // Add a file; paths are relative, '/'-separated, and may not escape the output directory.
    void add(const std::string& path, std::string content, bool executable = false) {
        if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos || path.find('\\') != std::string::npos)
            throw std::invalid_argument("emitted path must be relative and stay inside the output directory: " + path);
        auto [it, added] = files_.try_emplace(path);
        if (!added) throw std::invalid_argument("file emitted twice: " + path);
        it->second = File{std::move(content), executable};
    }
    void merge(const FileSet& other, const std::string& prefix = {}) {
        for (const auto& [p, f] : other.files_) add(prefix.empty() ? p : prefix + "/" + p, f.content, f.executable);
    }

    struct File {
        std::string content;
        bool executable = false;
    };
    const std::map<std::string, File>& files() const { return files_; }
    const std::string& at(const std::string& path) const { return files_.at(path).content; }
    bool contains(const std::string& path) const { return files_.contains(path); }
    std::size_t size() const { return files_.size(); }

private:
    std::map<std::string, File> files_;
};

// Write `files` to `dir`, replacing what was there, all-or-nothing.
inline void write_atomically(const FileSet& files, const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    fs::path target = fs::absolute(dir).lexically_normal();
    if (target.filename().empty()) target = target.parent_path();
    fs::path parent = target.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw OutputError("cannot create " + parent.string() + ": " + ec.message());
    if (fs::exists(target) && !fs::is_directory(target)) throw OutputError(target.string() + " exists and is not a directory");

    std::string pattern = (parent / ("." + target.filename().string() + ".xc-tmp-XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw OutputError("cannot create a temporary directory in " + parent.string());
    fs::path staging = pattern;
    auto cleanup = [&] { fs::remove_all(staging, ec); };
    try {
        for (const auto& [path, file] : files.files()) {
            fs::path p = staging / path;
            fs::create_directories(p.parent_path());
            std::ofstream out(p, std::ios::binary);
            out << file.content;
            out.close();
            if (!out) throw OutputError("cannot write " + (target / path).string());
            auto perms = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
            if (file.executable) perms |= fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
            fs::permissions(p, perms);
        }
        fs::permissions(staging, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
        // Swap in: move the old output aside, rename the new one into place, then drop the old.
        fs::path old;
        if (fs::exists(target)) {
            old = staging.string() + ".old";
            fs::rename(target, old);
        }
        try {
            fs::rename(staging, target);
        } catch (...) {
            if (!old.empty()) fs::rename(old, target, ec);
            throw;
        }
        if (!old.empty()) fs::remove_all(old, ec);
    } catch (const fs::filesystem_error& e) {
        cleanup();
        throw OutputError(e.what());
    } catch (...) {
        cleanup();
        throw;
    }
}

}  // namespace xc::emit
