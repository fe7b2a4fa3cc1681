// Lines of HCL with the layout HashiCorp's formatter (hclwrite.Format, `terraform fmt`)
// produces: two-space indentation per nesting level, and the '=' of consecutive single-line
// attributes aligned one column after the longest name. A run of aligned lines ends at any
// line that is not a single-line attribute (block header, closing brace, blank line,
// comment, or an attribute whose value opens a multi-line bracket); width is counted in
// Unicode code points, as the formatter does.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc::emit::terraform {

// Writes straight into one output buffer; only the current run of single-line attributes is
// held back (its '=' column is known once the run ends).
class HclWriter {
public:
    HclWriter() = default;
    // `prefix`: text before the first line (a file header); not a line itself.
    explicit HclWriter(std::string prefix) : out_(std::move(prefix)) {}

    // `name = value` on one line (value must open and close its brackets on this line).
    void attribute(std::string_view name, std::string_view value) {
        run_.push_back({indent_, run_text_.size(), name.size(), value.size(), columns(name)});
        run_text_ += name;
        run_text_ += value;
        ++lines_;
        last_is_blank_ = false;
    }
    // Any other line (block header, "name = jsonencode({", a list item, "}", ...).
    void line(std::string_view text) {
        flush();
        if (!text.empty()) {
            out_.append(2 * static_cast<std::size_t>(indent_), ' ');
            out_ += text;
        }
        out_ += '\n';
        ++lines_;
        last_is_blank_ = text.empty();
    }
    void blank() { line({}); }
    void open(std::string_view text) {
        line(text);
        ++indent_;
    }
    void close(std::string_view text = "}") {
        --indent_;
        line(text);
    }
    bool empty() const { return lines_ == 0; }
    bool last_is_blank() const { return last_is_blank_; }

    std::string str() const& {
        HclWriter copy = *this;
        return std::move(copy).str();
    }
    std::string str() && {
        flush();
        return std::move(out_);
    }

    // Reuse: a printer keeps one writer per kind of file and writes every stack's file of that
    // kind with it. The buffers keep their capacity, so the text is not regrown (and copied)
    // for every file; `text` shows the finished text (valid until the next write or restart).
    void restart(std::string_view prefix) {
        out_.assign(prefix);
        run_.clear();
        run_text_.clear();
        lines_ = 0;
        last_is_blank_ = false;
        indent_ = 0;
    }
    std::string_view text() {
        flush();
        return out_;
    }
    // A buffer for composing the next line before writing it; it keeps its capacity too.
    std::string& line_buffer() { return line_buffer_; }

    static std::size_t columns(std::string_view s) {
        std::size_t n = 0;
        for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return n;
    }

private:
    // A held-back attribute: name and value are consecutive in run_text_.
    struct Attribute {
        int indent;
        std::size_t at, name_size, value_size, name_columns;
    };

    void flush() {
        std::size_t width = 0;
        for (const auto& a : run_) width = std::max(width, a.name_columns);
        for (const auto& a : run_) {
            out_.append(2 * static_cast<std::size_t>(a.indent), ' ');
            out_.append(run_text_, a.at, a.name_size);
            out_.append(width - a.name_columns, ' ');
            out_ += " = ";
            out_.append(run_text_, a.at + a.name_size, a.value_size);
            out_ += '\n';
        }
        run_.clear();
        run_text_.clear();
    }

    std::string out_;
    std::vector<Attribute> run_;
    std::string run_text_;
    std::string line_buffer_;
    std::size_t lines_ = 0;
    bool last_is_blank_ = false;
    int indent_ = 0;
};

}  // namespace xc::emit::terraform
