// The output of an emitter: a set of files, written all-or-nothing.
//
// Emitters build a FileSet in memory (relative path -> bytes, ordered, so output is
// deterministic); `write_atomically` writes it into a fresh sibling temporary directory and
// exchanges that with the target only when every file was written, so an error or a kill
// leaves neither partial output nor a half-replaced previous output, and it keeps every file
// in the target that xc did not write.
//
// The bytes live in a few large blocks, not one allocation per file: a 10,000-service
// deployment is 110,000 files and 180 MB. Blocks are 2 MiB aligned, so that a kernel that
// backs memory with transparent huge pages on its own can; they are not asked for
// (MADV_HUGEPAGE): then each fault zeroes 2 MiB ahead of the copy into it, and emitting 10,000
// services took 0.62-1.05 s (mostly ~1.0 s) against 0.66-0.71 s on 4 KiB pages, which are
// zeroed just before they are written (2 cores, THP "madvise" mode, no compaction stalls).
#pragma once

#include <xc/emit/detail/output_directory.hpp>
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
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace xc::emit {

// An output error (cannot create or write the target): not the model's fault (xc/error.hpp).
using xc::OutputError;

namespace detail {

// Append-only storage for bytes that live as long as the arena: blocks never move, so the
// views it hands out stay valid when the arena is moved.
class ByteArena {
public:
    std::string_view store(std::string_view bytes) { return store(bytes, 0); }
    // The same, with `room` writable bytes reserved right before the stored ones (see room_before).
    std::string_view store(std::string_view bytes, std::size_t room) {
        if (bytes.empty() && room == 0) return {};
        const std::size_t size = room + bytes.size();
        if (blocks_.empty() || blocks_.back().size - blocks_.back().used < size) grow(size);
        Block& b = blocks_.back();
        char* at = b.data.get() + b.used + room;
        if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
        b.used += size;
        return {at, bytes.size()};
    }
    // Takes over `other`'s blocks: views into them stay valid, now owned by this arena.
    void absorb(ByteArena&& other) {
        if (other.blocks_.empty()) return;
        // This arena's last block stays last: it is the one with room to store into.
        std::optional<Block> last;
        if (!blocks_.empty()) {
            last = std::move(blocks_.back());
            blocks_.pop_back();
        }
        for (auto& b : other.blocks_) blocks_.push_back(std::move(b));
        other.blocks_.clear();
        if (last) blocks_.push_back(std::move(*last));
    }
    // The `room` bytes reserved before `stored` (a view store(bytes, room) returned). The
    // arena's memory was never const: writing through this pointer is writing our own bytes.
    static char* room_before(std::string_view stored, std::size_t room) { return const_cast<char*>(stored.data()) - room; }

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
        // A starting point the deployer's tools take over (a Terraform dependency lock file,
        // which `terraform init -upgrade` rewrites): written only where the output directory
        // has no file at that path yet, never listed as xc's, so never replaced.
        bool seed = false;
    };

    // Text that files start with but that is chosen only after they are added: a printer can
    // print while something else decides what the files' first lines say (e.g. a warning that
    // the model is unverified, while verification runs beside the printing). Its bytes are
    // reserved in front of each such file's bytes and written there by set_prefix: no file is
    // copied or moved. Until every prefix is set, the files cannot be read.
    struct Prefix {
        std::size_t id;
    };
    // A prefix at most `capacity` bytes long.
    Prefix reserve_prefix(std::size_t capacity) {
        prefixes_.push_back(PendingPrefix{capacity, {}});
        ++pending_;
        return Prefix{prefixes_.size() - 1};
    }
    // A file holding `prefix`'s text (once set) followed by `body`.
    void add(const std::string& path, Prefix prefix, std::string_view body, bool executable = false, bool seed = false) {
        PendingPrefix& p = pending(prefix);
        File& f = insert(path, bytes_.store(body, p.capacity), executable, seed);
        p.files.push_back(&f);
    }
    void set_prefix(Prefix prefix, std::string_view text) {
        PendingPrefix& p = pending(prefix);
        if (text.size() > p.capacity) throw std::invalid_argument("a file prefix longer than reserved");
        for (File* f : p.files) {
            char* at = detail::ByteArena::room_before(f->content, text.size());
            if (!text.empty()) std::memcpy(at, text.data(), text.size());
            f->content = std::string_view(at, text.size() + f->content.size());
        }
        p.files = {};
        p.capacity = set;
        --pending_;
    }

    FileSet() = default;
    FileSet(FileSet&&) noexcept = default;
    FileSet& operator=(FileSet&&) noexcept = default;
    // A copy owns copies of the bytes.
    FileSet(const FileSet& other) { merge(other); }
    FileSet& operator=(const FileSet& other) {
        if (this != &other) *this = FileSet(other);
        return *this;
    }

    // Add a file (its bytes are copied); paths are relative, '/'-separated, may not escape the
    // output directory, and hold no control characters (the ownership marker lists them one
    // per line).
    void add(const std::string& path, std::string_view content, bool executable = false, bool seed = false) {
        insert(path, bytes_.store(content), executable, seed);
    }
    // A seed file (File::seed).
    void add_seed(const std::string& path, std::string_view content) { add(path, content, false, true); }
    void merge(const FileSet& other, const std::string& prefix = {}) {
        for (const auto& [p, f] : other.files()) add(prefix.empty() ? p : prefix + "/" + p, f.content, f.executable, f.seed);
    }

    // Takes over `other`'s files without copying their bytes (a FileSet built on another
    // thread joins this one). Neither may have a prefix still to set. A path in both is an
    // error, as adding it twice is; this set then holds the rest of `other`'s files too.
    void absorb(FileSet&& other) {
        if (pending_ || other.pending_) throw std::logic_error("a FileSet absorbed before every prefix of its files was set");
        // The nodes move (their views still point into other's blocks, which move next). Sets
        // absorbed in path order (a printer's parts) append: each node goes in at the end, in
        // constant time, where merge() would search the whole map for each of 100,000 paths.
        std::map<std::string, File> twice;
        while (!other.files_.empty()) {
            auto node = other.files_.extract(other.files_.begin());
            auto at = files_.empty() || files_.rbegin()->first < node.key() ? files_.end() : files_.lower_bound(node.key());
            if (at != files_.end() && at->first == node.key()) twice.insert(std::move(node));
            else files_.insert(at, std::move(node));
        }
        other.files_ = std::move(twice);
        bytes_.absorb(std::move(other.bytes_));
        other.prefixes_.clear();
        if (!other.files_.empty()) throw std::invalid_argument("file emitted twice: " + other.files_.begin()->first);
    }

    const std::map<std::string, File>& files() const {
        if (pending_) throw std::logic_error("a FileSet read before every prefix of its files was set");
        return files_;
    }
    std::string_view at(const std::string& path) const { return files().at(path).content; }
    bool contains(const std::string& path) const { return files_.contains(path); }
    std::size_t size() const { return files_.size(); }

private:
    static constexpr std::size_t set = ~std::size_t{0};
    struct PendingPrefix {
        std::size_t capacity;  // `set` once set
        std::vector<File*> files;
    };
    PendingPrefix& pending(Prefix p) {
        if (p.id >= prefixes_.size() || prefixes_[p.id].capacity == set) throw std::invalid_argument("a file prefix not reserved, or already set");
        return prefixes_[p.id];
    }

    File& insert(const std::string& path, std::string_view stored, bool executable, bool seed) {
        if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos || path.find('\\') != std::string::npos)
            throw std::invalid_argument("emitted path must be relative and stay inside the output directory: " + path);
        if (std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            throw std::invalid_argument("emitted path holds a control character: " + path);
        auto [it, added] = files_.try_emplace(path);
        if (!added) throw std::invalid_argument("file emitted twice: " + path);
        it->second = File{stored, executable, seed};
        return it->second;
    }

    detail::ByteArena bytes_;
    std::map<std::string, File> files_;
    std::vector<PendingPrefix> prefixes_;
    std::size_t pending_ = 0;
};

// Write `files` as the output directory `dir`, all-or-nothing and in one atomic step. xc owns
// only what it writes: `dir` must be new, empty, or an earlier output of xc (it holds the
// `.xc-output` marker listing xc's files); the files of an earlier output are replaced, every
// other entry (Terraform state, .terraform/, the user's files) is kept. A symbolic link,
// special file or foreign non-empty directory at `dir` is refused. detail/output_directory.hpp
// says how.
inline void write_atomically(const FileSet& files, const std::filesystem::path& dir) {
    try {
        detail::replace_output_directory(files.files(), dir);
    } catch (const detail::OutputDirectoryError& e) {
        throw OutputError(e.what());
    } catch (const std::system_error& e) {  // std::filesystem's errors
        throw OutputError(e.what());
    }
}

}  // namespace xc::emit
