// The output of an emitter: a set of files, written all-or-nothing.
//
// Emitters build a FileSet in memory (relative path -> bytes, ordered, so output is
// deterministic); `write_atomically` writes it into a fresh sibling temporary directory and
// renames that into place only when every file was written, so an error leaves neither
// partial output nor a half-replaced previous output.
//
// The bytes live in a few large blocks, not one allocation per file: a 10,000-service
// deployment is 110,000 files and 180 MB, and touching that much fresh memory a 4 KiB page at
// a time costs a page fault per page (~15,000 per 3,000 services; costly in VMs). Blocks are
// 2 MiB aligned and, on Linux, offered for transparent huge pages (~30 faults instead).
#pragma once

#include <xc/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace xc::emit {

// An output error (cannot create or write the target): not the model's fault (xc/error.hpp).
using xc::OutputError;

namespace detail {

// Append-only storage for bytes that live as long as the arena: blocks never move, so the
// views it hands out stay valid when the arena is moved.
class ByteArena {
public:
    std::string_view store(std::string_view bytes) {
        if (bytes.empty()) return {};
        if (blocks_.empty() || blocks_.back().size - blocks_.back().used < bytes.size()) grow(bytes.size());
        Block& b = blocks_.back();
        char* at = b.data.get() + b.used;
        std::memcpy(at, bytes.data(), bytes.size());
        b.used += bytes.size();
        return {at, bytes.size()};
    }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20;
    static constexpr std::size_t max_block = std::size_t{64} << 20;

    struct Release {
        void operator()(char* p) const { ::operator delete(p, std::align_val_t{huge_page}); }
    };
    struct Block {
        std::unique_ptr<char, Release> data;
        std::size_t size = 0;
        std::size_t used = 0;
    };

    // Blocks double from 2 MiB to 64 MiB (a small output costs one block); a larger file gets
    // a block of its own size, rounded up to whole huge pages.
    void grow(std::size_t at_least) {
        std::size_t size = blocks_.empty() ? huge_page : std::min(blocks_.back().size * 2, max_block);
        size = std::max(size, (at_least + huge_page - 1) / huge_page * huge_page);
        auto* p = static_cast<char*>(::operator new(size, std::align_val_t{huge_page}));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        ::madvise(p, size, MADV_HUGEPAGE);  // advice only: without it, the block still works
#endif
        blocks_.push_back(Block{std::unique_ptr<char, Release>(p), size, 0});
    }

    std::vector<Block> blocks_;
};

}  // namespace detail

class FileSet {
public:
    struct File {
        std::string_view content;  // owned by the FileSet
        bool executable = false;
    };

    FileSet() = default;
    FileSet(FileSet&&) noexcept = default;
    FileSet& operator=(FileSet&&) noexcept = default;
    // A copy owns copies of the bytes.
    FileSet(const FileSet& other) { merge(other); }
    FileSet& operator=(const FileSet& other) {
        if (this != &other) *this = FileSet(other);
        return *this;
    }

    // Add a file (its bytes are copied); paths are relative, '/'-separated, and may not escape
    // the output directory.
    void add(const std::string& path, std::string_view content, bool executable = false) {
        if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos || path.find('\\') != std::string::npos)
            throw std::invalid_argument("emitted path must be relative and stay inside the output directory: " + path);
        auto [it, added] = files_.try_emplace(path);
        if (!added) throw std::invalid_argument("file emitted twice: " + path);
        it->second = File{bytes_.store(content), executable};
    }
    void merge(const FileSet& other, const std::string& prefix = {}) {
        for (const auto& [p, f] : other.files_) add(prefix.empty() ? p : prefix + "/" + p, f.content, f.executable);
    }

    const std::map<std::string, File>& files() const { return files_; }
    std::string_view at(const std::string& path) const { return files_.at(path).content; }
    bool contains(const std::string& path) const { return files_.contains(path); }
    std::size_t size() const { return files_.size(); }

private:
    detail::ByteArena bytes_;
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
