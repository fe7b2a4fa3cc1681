// Lines of HCL with the layout HashiCorp's formatter (hclwrite.Format, `terraform fmt`)
// produces: two-space indentation per nesting level, and the '=' of consecutive single-line
// attributes aligned one column after the longest name. A run of aligned lines ends at any
// line that is not a single-line attribute (block header, closing brace, blank line,
// comment, or an attribute whose value opens a multi-line bracket); width is counted in
// Unicode code points, as the formatter does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xc::emit::terraform {

class HclWriter {
public:
    // `name = value` on one line (value must open and close its brackets on this line).
    void attribute(std::string name, std::string value) { lines_.push_back({indent_, std::move(name), std::move(value), true}); }
    // Any other line (block header, "name = jsonencode({", a list item, "}", ...).
    void line(std::string text) { lines_.push_back({indent_, {}, std::move(text), false}); }
    void blank() { lines_.push_back({0, {}, {}, false}); }
    void open(std::string text) {
        line(std::move(text));
        ++indent_;
    }
    void close(std::string text = "}") {
        --indent_;
        line(std::move(text));
    }
    bool empty() const { return lines_.empty(); }
    bool last_is_blank() const { return !lines_.empty() && !lines_.back().assign && lines_.back().text.empty(); }

    std::string str() const {
        std::string out;
        std::size_t i = 0;
        while (i < lines_.size()) {
            if (!lines_[i].assign) {
                if (!lines_[i].text.empty()) out += std::string(2 * lines_[i].indent, ' ') + lines_[i].text;
                out += '\n';
                ++i;
                continue;
            }
            std::size_t end = i, width = 0;
            for (; end < lines_.size() && lines_[end].assign; ++end) width = std::max(width, columns(lines_[end].name));
            for (; i < end; ++i) {
                const auto& l = lines_[i];
                out += std::string(2 * l.indent, ' ') + l.name + std::string(width - columns(l.name), ' ') + " = " + l.text + '\n';
            }
        }
        return out;
    }

    static std::size_t columns(std::string_view s) {
        std::size_t n = 0;
        for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return n;
    }

private:
    struct Line {
        int indent;
        std::string name;
        std::string text;
        bool assign;
    };
    std::vector<Line> lines_;
    int indent_ = 0;
};

}  // namespace xc::emit::terraform
