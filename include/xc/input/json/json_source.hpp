// JSON documents that remember where every value was written.
//
// nlohmann::json forgets source positions and silently keeps the last of two duplicate keys;
// a model is written by hand, so both matter: diagnostics point at line:column, and a
// duplicated service name is an error, not a quiet override. This parser runs nlohmann's SAX
// parser over an iterator that tells us how far it has read, builds the DOM itself, and
// records where each value starts (for object members: the member's key). It also enforces
// the input limits (size, nesting depth).
#pragma once

#include <xc/detail/file_kind.hpp>
#include <xc/detail/json_text.hpp>
#include <xc/diagnostic.hpp>
#include <xc/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xc::input::json {

struct InputLimits {
    std::size_t max_bytes = 64u * 1024u * 1024u;  // a model file larger than this is refused
    std::size_t max_depth = 64;                    // deeper nesting is refused
};

namespace detail {
// Where each value of a document starts: (address of the value in the DOM, byte offset),
// sorted by address. Keyed by address rather than by JSON Pointer so that parsing makes no
// string per value; the addresses are final once parsing ends (object members live in map
// nodes, array elements in their array's buffer, which no longer grows).
using ValueOffsets = std::vector<std::pair<const nlohmann::json*, std::size_t>>;
// Orders by address (std::less: a total order on pointers to unrelated objects).
struct ByAddress {
    bool operator()(const ValueOffsets::value_type& a, const ValueOffsets::value_type& b) const {
        return std::less<const nlohmann::json*>{}(a.first, b.first);
    }
};
}  // namespace detail

// A parsed document: the value tree, the file it came from, and the positions.
//
// Move-only: positions are kept by the address of each value, which a copy would not share.
class JsonSource {
public:
    JsonSource() = default;
    JsonSource(std::string file, nlohmann::json root, std::vector<std::size_t> line_starts, std::size_t root_offset,
               detail::ValueOffsets offsets)
        : file_(std::move(file)), root_(std::move(root)), line_starts_(std::move(line_starts)),
          root_offset_(root_offset), offsets_(std::move(offsets)) {}
    JsonSource(JsonSource&&) noexcept = default;
    JsonSource& operator=(JsonSource&&) noexcept = default;
    JsonSource(const JsonSource&) = delete;
    JsonSource& operator=(const JsonSource&) = delete;

    const std::string& file() const noexcept { return file_; }
    const nlohmann::json& root() const noexcept { return root_; }

    // Position of the value at `pointer`; for a pointer to no value (e.g. a missing member),
    // the position of its nearest existing ancestor.
    SourcePosition position(std::string_view pointer) const {
        if (line_starts_.empty()) return {};
        std::size_t offset = root_offset_;
        const nlohmann::json* node = &root_;
        for (const auto& token : json_pointer::tokens(pointer)) {
            node = child(*node, token);
            if (!node) break;
            auto it = std::lower_bound(offsets_.begin(), offsets_.end(), detail::ValueOffsets::value_type{node, 0},
                                       detail::ByAddress{});
            if (it == offsets_.end() || it->first != node) break;
            offset = it->second;
        }
        return position_of_offset(offset);
    }

    // A diagnostic for `pointer` in this document, with file and position filled in.
    Diagnostic diagnostic(std::string pointer, std::string message, std::string hint = {}) const {
        auto pos = position(pointer);
        return Diagnostic{file_, std::move(pointer), pos, std::move(message), std::move(hint)};
    }

    SourcePosition position_of_offset(std::size_t offset) const {
        auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
        std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());  // 1-based
        return {line, offset - line_starts_[line - 1] + 1};
    }

private:
    // The member or element `token` names, if there is one.
    static const nlohmann::json* child(const nlohmann::json& node, const std::string& token) {
        if (node.is_object()) {
            const auto& members = node.get_ref<const nlohmann::json::object_t&>();
            auto it = members.find(token);
            return it == members.end() ? nullptr : &it->second;
        }
        if (!node.is_array()) return nullptr;
        const auto index = json_pointer::index(token);
        return index && *index < node.size() ? &node[*index] : nullptr;
    }

    std::string file_;
    nlohmann::json root_;
    std::vector<std::size_t> line_starts_;
    std::size_t root_offset_ = 0;
    detail::ValueOffsets offsets_;
};

namespace detail {

// An input iterator over a char buffer that publishes how far the parser has read.
class TrackingIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    TrackingIterator() = default;
    TrackingIterator(const char* p, const char** cursor) : p_(p), cursor_(cursor) {}
    reference operator*() const { return *p_; }
    TrackingIterator& operator++() {
        ++p_;
        if (cursor_) *cursor_ = p_;
        return *this;
    }
    TrackingIterator operator++(int) {
        auto copy = *this;
        ++*this;
        return copy;
    }
    friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) { return a.p_ == b.p_; }

private:
    const char* p_ = nullptr;
    const char** cursor_ = nullptr;
};

// SAX handler: builds the DOM, records positions, rejects duplicates and deep nesting.
class PositionRecordingSax {
public:
    using json = nlohmann::json;

    PositionRecordingSax(const char* begin, const char** cursor, std::size_t max_depth)
        : begin_(begin), cursor_(cursor), last_end_(begin), max_depth_(max_depth) {}

    bool null() { return value(json(nullptr)); }
    bool boolean(bool v) { return value(json(v)); }
    bool number_integer(json::number_integer_t v) { return value(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
    bool number_float(json::number_float_t v, const std::string&) { return value(json(v)); }
    bool string(std::string& v) { return value(json(std::move(v))); }
    bool binary(json::binary_t&) { return fail("binary values are not JSON"); }

    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& k) {
        Frame& f = stack_.back();
        std::size_t start = value_start();
        // The member's slot is made here, once: its value fills it in place(). Map nodes do
        // not move, so the slot's address is where the value will stay.
        auto [member, fresh] = f.node->get_ref<json::object_t&>().emplace(k, nullptr);
        if (!fresh) {
            error_offset_ = start;
            error_path_ = json_pointer::join(path_of_top(), k);
            error_ = "duplicate key '" + k + "' (JSON objects must not repeat a key)";
            return false;
        }
        offsets_.emplace_back(&member->second, start);
        last_end_ = *cursor_;
        f.key = &member->first;
        f.slot = &member->second;
        return true;
    }

    bool parse_error(std::size_t offset, const std::string&, const nlohmann::detail::exception& ex) {
        error_offset_ = offset == 0 ? 0 : offset - 1;
        if (complete_) {  // text after the top-level value: point at where it starts
            const char* p = last_end_;
            while (p < *cursor_ && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
            error_offset_ = static_cast<std::size_t>(p - begin_);
        }
        error_ = "malformed JSON: " + xc::detail::json_error_text(ex);
        error_path_ = stack_.empty() ? "" : current_child_path();
        return false;
    }

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    const std::string& error_path() const { return error_path_; }
    // Offset at which the error was detected (parse errors) or of the offending value.
    std::size_t error_offset() const { return error_offset_; }

    json take_root() { return std::move(root_); }
    std::size_t root_offset() const { return root_offset_; }
    ValueOffsets take_offsets() {
        std::sort(offsets_.begin(), offsets_.end(), ByAddress{});
        return std::move(offsets_);
    }

private:
    // An open object or array. Paths are not kept: an error builds its pointer from the stack.
    struct Frame {
        json* node;
        json* slot = nullptr;               // objects: the slot of the member whose key was just read
        const std::string* key = nullptr;   // objects: the key of that member (also while its value is open)
        std::size_t count = 0;              // arrays: elements so far
        std::size_t offsets_from = 0;       // arrays: where their elements' offsets start in element_offsets_
    };

    // First byte after the previous event that is not whitespace or a separator: where the
    // value (or key) of this event starts.
    std::size_t value_start() const {
        const char* p = last_end_;
        const char* end = *cursor_;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',' || *p == ':')) ++p;
        return static_cast<std::size_t>(p - begin_);
    }

    // JSON Pointer of the innermost open container.
    std::string path_of_top() const {
        std::string path;
        for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
            const Frame& f = stack_[i];
            path = f.node->is_object() ? json_pointer::join(path, *f.key) : json_pointer::join(path, f.count - 1);
        }
        return path;
    }

    std::string current_child_path() const {
        const Frame& f = stack_.back();
        if (f.node->is_object()) return f.slot ? json_pointer::join(path_of_top(), *f.key) : path_of_top();
        return json_pointer::join(path_of_top(), f.count);
    }

    // Place `v` in the current container; returns the stored value.
    json* place(json&& v) {
        if (stack_.empty()) {
            root_offset_ = value_start();
            last_end_ = *cursor_;
            complete_ = !v.is_object() && !v.is_array();  // a container completes when it closes
            root_ = std::move(v);
            return &root_;
        }
        Frame& f = stack_.back();
        if (f.node->is_object()) {
            json& slot = *f.slot;
            slot = std::move(v);
            f.slot = nullptr;
            last_end_ = *cursor_;  // the member's position was recorded at its key
            return &slot;
        }
        // An element's address is final only when its array is complete: close() records it.
        element_offsets_.push_back(value_start());
        last_end_ = *cursor_;
        ++f.count;
        f.node->push_back(std::move(v));
        return &f.node->back();
    }

    bool value(json&& v) {
        place(std::move(v));
        return true;
    }

    bool open(json&& container) {
        if (stack_.size() >= max_depth_) {
            error_offset_ = static_cast<std::size_t>(*cursor_ - begin_) - 1;
            error_path_ = stack_.empty() ? "" : current_child_path();
            error_ = "nesting deeper than " + std::to_string(max_depth_) + " levels";
            return false;
        }
        json* node = place(std::move(container));
        stack_.push_back(Frame{node, nullptr, nullptr, 0, element_offsets_.size()});
        return true;
    }

    bool close() {
        const Frame& f = stack_.back();
        if (f.node->is_array()) {
            for (std::size_t i = f.offsets_from; i < element_offsets_.size(); ++i)
                offsets_.emplace_back(&(*f.node)[i - f.offsets_from], element_offsets_[i]);
            element_offsets_.resize(f.offsets_from);
        }
        stack_.pop_back();
        last_end_ = *cursor_;
        complete_ = stack_.empty();
        return true;
    }

    bool fail(std::string message) {
        error_ = std::move(message);
        return false;
    }

    const char* begin_;
    const char** cursor_;
    const char* last_end_;
    bool complete_ = false;  // the top-level value has been read
    std::size_t max_depth_;
    json root_;
    std::size_t root_offset_ = 0;
    std::vector<Frame> stack_;
    std::vector<std::size_t> element_offsets_;  // of the elements of the open arrays, innermost last
    ValueOffsets offsets_;
    std::string error_;
    std::string error_path_;
    std::size_t error_offset_ = 0;
};

inline std::vector<std::size_t> line_starts(std::string_view text) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') starts.push_back(i + 1);
    return starts;
}

}  // namespace detail

// Parse `text` (named `file` in diagnostics). Throws InputError on malformed JSON, duplicate
// keys, or input beyond `limits`.
inline JsonSource parse_json(std::string_view text, std::string file = {}, InputLimits limits = {}) {
    if (text.size() > limits.max_bytes)
        throw InputError(Diagnostic{file, "", {}, "input is " + std::to_string(text.size()) +
                                                      " bytes; the limit is " + std::to_string(limits.max_bytes),
                                    {}});
    // nlohmann's lexer ends the input at a NUL byte: refuse it here, wherever it is, at the
    // value being read when it came (the document, when it follows a complete value).
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        std::string path;
        try {
            (void)parse_json(text.substr(0, nul), file, limits);
        } catch (const InputError& e) {
            path = e.diagnostics().front().path;
        }
        JsonSource partial(file, {}, detail::line_starts(text), 0, {});
        throw InputError(Diagnostic{file, std::move(path), partial.position_of_offset(nul), xc::detail::nul_byte_text(), {}});
    }
    const char* cursor = text.data();
    detail::PositionRecordingSax sax(text.data(), &cursor, limits.max_depth);
    detail::TrackingIterator first(text.data(), &cursor), last(text.data() + text.size(), nullptr);
    bool ok = nlohmann::json::sax_parse(first, last, &sax, nlohmann::json::input_format_t::json, true);
    auto starts = detail::line_starts(text);
    if (!ok || sax.failed()) {
        JsonSource partial(file, {}, starts, 0, {});
        auto pos = partial.position_of_offset(std::min(sax.error_offset(), text.empty() ? 0 : text.size() - 1));
        throw InputError(Diagnostic{file, sax.error_path(), pos,
                                    sax.failed() ? sax.error() : "malformed JSON", {}});
    }
    auto offsets = sax.take_offsets();
    return JsonSource(std::move(file), sax.take_root(), std::move(starts), sax.root_offset(), std::move(offsets));
}

// The name standard input has in diagnostics when a model is read from "-".
inline constexpr std::string_view standard_input_name = "<stdin>";

namespace detail {
// Everything readable from `fd`, at most `limit` + 1 bytes (so that "too large" can be told).
inline bool read_all(int fd, std::size_t limit, std::string& out) {
    char buffer[65536];
    while (out.size() <= limit) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) return true;
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        out.append(buffer, static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(n), limit + 1 - out.size())));
    }
    return true;
}

}  // namespace detail

// Read a file's text; "-" reads standard input (named standard_input_name in diagnostics).
// Only regular files are read: a directory, FIFO, device or socket is refused without reading
// (opened non-blocking, so a FIFO with no writer cannot hang the run). Throws InputError if it
// cannot be read or is larger than the limit. Every format's reader uses it.
inline std::string read_input_file(const std::string& file, InputLimits limits = {}) {
    auto refuse = [&](std::string name, std::string message) {
        throw InputError(Diagnostic{std::move(name), "", {}, std::move(message), {}});
    };
    auto too_large = [&](const std::string& name, std::size_t size) {
        refuse(name, "input is " + std::to_string(size) + " bytes; the limit is " + std::to_string(limits.max_bytes));
    };
    std::string text;
    if (file == "-") {
        const std::string name(standard_input_name);
        if (!detail::read_all(STDIN_FILENO, limits.max_bytes, text)) refuse(name, std::string("cannot read: ") + std::strerror(errno));
        if (text.size() > limits.max_bytes) refuse(name, "input is more than " + std::to_string(limits.max_bytes) + " bytes, the limit");
        return text;
    }
    int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) refuse(file, "cannot open file");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        refuse(file, "cannot read file");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        refuse(file, std::string("is ") + xc::detail::file_kind(st.st_mode) + "; expected a regular file (or - for standard input)");
    }
    if (static_cast<std::uintmax_t>(st.st_size) > limits.max_bytes) {
        ::close(fd);
        too_large(file, static_cast<std::size_t>(st.st_size));
    }
    const bool ok = detail::read_all(fd, limits.max_bytes, text);
    ::close(fd);
    if (!ok) refuse(file, "cannot read file");
    if (text.size() > limits.max_bytes) refuse(file, "input is more than " + std::to_string(limits.max_bytes) + " bytes, the limit");
    return text;
}

// Read and parse a file; "-" reads standard input (see read_input_file). Throws InputError if
// it cannot be read or parsed.
inline JsonSource load_json_file(const std::string& file, InputLimits limits = {}) {
    std::string text = read_input_file(file, limits);
    return parse_json(text, file == "-" ? std::string(standard_input_name) : file, limits);
}

}  // namespace xc::input::json
