// JSON documents that remember where every value was written.
//
// nlohmann::json forgets source positions and silently keeps the last of two duplicate keys;
// a model is written by hand, so both matter: diagnostics point at line:column, and a
// duplicated service name is an error, not a quiet override. This parser runs nlohmann's SAX
// parser over an iterator that tells us how far it has read, builds the DOM itself, and
// records the position of each value (for object members: of the member's key) under its
// JSON Pointer. It also enforces the input limits (size, nesting depth).
#pragma once

#include <xc/diagnostic.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace xc::model {

struct InputLimits {
    std::size_t max_bytes = 64u * 1024u * 1024u;  // a model file larger than this is refused
    std::size_t max_depth = 64;                    // deeper nesting is refused
};

// A parsed document: the value tree, the file it came from, and the positions.
class JsonSource {
public:
    JsonSource() = default;
    JsonSource(std::string file, nlohmann::json root, std::vector<std::size_t> line_starts,
               std::unordered_map<std::string, std::size_t> offsets)
        : file_(std::move(file)), root_(std::move(root)), line_starts_(std::move(line_starts)),
          offsets_(std::move(offsets)) {}

    const std::string& file() const noexcept { return file_; }
    const nlohmann::json& root() const noexcept { return root_; }

    // Position of the value at `pointer`; for a pointer that was not recorded (e.g. a
    // missing member), the position of its nearest recorded ancestor.
    SourcePosition position(std::string_view pointer) const {
        std::string p(pointer);
        for (;;) {
            if (auto it = offsets_.find(p); it != offsets_.end()) return position_of_offset(it->second);
            if (p.empty()) return {};
            p.erase(p.rfind('/'));
        }
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
    std::string file_;
    nlohmann::json root_;
    std::vector<std::size_t> line_starts_;
    std::unordered_map<std::string, std::size_t> offsets_;
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
        std::string path = json_pointer::join(f.path, k);
        std::size_t start = value_start();
        // The member's slot is made here, once: its value fills it in place().
        auto [member, fresh] = f.node->get_ref<json::object_t&>().emplace(k, nullptr);
        if (!fresh) {
            error_offset_ = start;
            error_path_ = path;
            error_ = "duplicate key '" + k + "' (JSON objects must not repeat a key)";
            return false;
        }
        record(path, start);
        f.member = &member->second;
        f.member_path = std::move(path);
        return true;
    }

    bool parse_error(std::size_t offset, const std::string&, const nlohmann::detail::exception& ex) {
        error_offset_ = offset == 0 ? 0 : offset - 1;
        std::string what = ex.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: <reason>"
        if (auto colon = what.find(": "); what.rfind("[json.exception.", 0) == 0 && colon != std::string::npos)
            what = what.substr(colon + 2);
        error_ = "malformed JSON: " + what;
        error_path_ = stack_.empty() ? "" : current_child_path();
        return false;
    }

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    const std::string& error_path() const { return error_path_; }
    // Offset at which the error was detected (parse errors) or of the offending value.
    std::size_t error_offset() const { return error_offset_; }

    json take_root() { return std::move(root_); }
    std::unordered_map<std::string, std::size_t> take_offsets() { return std::move(offsets_); }

private:
    struct Frame {
        json* node;
        std::string path;
        json* member = nullptr;   // objects: the slot of the member whose key was just read
        std::string member_path;  // and its JSON Pointer
        std::size_t index = 0;    // arrays: next element index
    };

    // First byte after the previous event that is not whitespace or a separator: where the
    // value (or key) of this event starts.
    std::size_t value_start() const {
        const char* p = last_end_;
        const char* end = *cursor_;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',' || *p == ':')) ++p;
        return static_cast<std::size_t>(p - begin_);
    }

    void record(const std::string& path, std::size_t offset) {
        offsets_.emplace(path, offset);
        last_end_ = *cursor_;
    }

    std::string current_child_path() const {
        const Frame& f = stack_.back();
        if (f.node->is_object()) return f.member ? f.member_path : f.path;
        return json_pointer::join(f.path, f.index);
    }

    // Place `v` in the current container; returns the stored value and its path.
    std::pair<json*, std::string> place(json&& v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return {&root_, std::string()};
        }
        Frame& f = stack_.back();
        if (f.node->is_object()) {
            json& slot = *f.member;
            slot = std::move(v);
            f.member = nullptr;
            last_end_ = *cursor_;  // the member's position was recorded at its key
            return {&slot, std::move(f.member_path)};
        }
        std::string path = json_pointer::join(f.path, f.index++);
        record(path, value_start());
        f.node->push_back(std::move(v));
        return {&f.node->back(), std::move(path)};
    }

    bool value(json&& v) {
        if (stack_.empty()) record("", value_start());
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
        if (stack_.empty()) record("", value_start());
        auto [node, path] = place(std::move(container));
        stack_.push_back(Frame{node, std::move(path), nullptr, {}, 0});
        return true;
    }

    bool close() {
        stack_.pop_back();
        last_end_ = *cursor_;
        return true;
    }

    bool fail(std::string message) {
        error_ = std::move(message);
        return false;
    }

    const char* begin_;
    const char** cursor_;
    const char* last_end_;
    std::size_t max_depth_;
    json root_;
    std::vector<Frame> stack_;
    std::unordered_map<std::string, std::size_t> offsets_;
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
    const char* cursor = text.data();
    detail::PositionRecordingSax sax(text.data(), &cursor, limits.max_depth);
    detail::TrackingIterator first(text.data(), &cursor), last(text.data() + text.size(), nullptr);
    bool ok = nlohmann::json::sax_parse(first, last, &sax, nlohmann::json::input_format_t::json, true);
    auto starts = detail::line_starts(text);
    if (!ok || sax.failed()) {
        JsonSource partial(file, {}, starts, {});
        auto pos = partial.position_of_offset(std::min(sax.error_offset(), text.empty() ? 0 : text.size() - 1));
        throw InputError(Diagnostic{file, sax.error_path(), pos,
                                    sax.failed() ? sax.error() : "malformed JSON", {}});
    }
    return JsonSource(std::move(file), sax.take_root(), std::move(starts), sax.take_offsets());
}

// Read and parse a file. Throws InputError if it cannot be read.
inline JsonSource load_json_file(const std::string& file, InputLimits limits = {}) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(Diagnostic{file, "", {}, "cannot open file", {}});
    in.seekg(0, std::ios::end);
    auto size = static_cast<std::size_t>(in.tellg());
    if (size > limits.max_bytes)
        throw InputError(Diagnostic{file, "", {}, "input is " + std::to_string(size) +
                                                      " bytes; the limit is " + std::to_string(limits.max_bytes),
                                    {}});
    in.seekg(0);
    std::string text(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (!in) throw InputError(Diagnostic{file, "", {}, "cannot read file", {}});
    return parse_json(text, file, limits);
}

}  // namespace xc::model
