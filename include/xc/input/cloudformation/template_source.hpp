// A CloudFormation template as written: JSON or YAML, with the position of every value.
//
// YAML is read with yaml-cpp, which keeps each node's line:column (`Mark()`) and tag. The
// short-form intrinsics are expanded to their long form while reading, so that everything
// after this sees one document shape: "!Ref X" -> {"Ref": "X"}, "!GetAtt A.B" ->
// {"Fn::GetAtt": ["A", "B"]}, "!Condition C" -> {"Condition": "C"}, "!<Name> v" ->
// {"Fn::<Name>": v} for the functions the User Guide lists with a short form ("Intrinsic
// function reference": Base64, Cidr, FindInMap, GetAZs, ImportValue, Join, Select, Split, Sub,
// Transform, And, Equals, If, Not, Or). Any other tag is an error, not a string.
// Plain YAML scalars take their YAML 1.1 core type (null, booleans, numbers); quoted ones stay
// strings.
//
// Positions are kept by JSON Pointer into the (expanded) document; an object member's
// position is its key's. The character U+E000 is refused in every string: the evaluator marks
// symbolic values inside strings with it (value.hpp), and a template must not be able to forge one.
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/input/detail/yaml_scalar.hpp>
#include <xc/input/json/json_source.hpp>

#include <nlohmann/json.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace xc::input::cloudformation {

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
// YAML text is Unicode (YAML 1.2, "Character Set"); yaml-cpp passes bytes through unchecked, and
// every later stage handles text as JSON strings, which must be UTF-8.
inline bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        std::uint32_t cp = n == 2 ? (b & 0x1fu) : n == 3 ? (b & 0x0fu) : (b & 0x07u);
        for (std::size_t k = 1; k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3fu);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return false;
        i += n;
    }
    return true;
}

// The private-use character that opens a symbol inside an evaluated string (value.hpp).
inline constexpr std::string_view symbol_mark = "\xEE\x80\x80";

class TemplateSource {
public:
    TemplateSource() = default;
    const std::string& file() const { return file_; }
    const nlohmann::json& root() const { return root_; }

    // Where the value at `pointer` was written; for a pointer to no written value, its nearest
    // written ancestor's position.
    SourcePosition position(std::string_view pointer) const {
        if (json_) return json_->position(pointer);
        std::string p(pointer);
        while (true) {
            if (auto it = positions_.find(p); it != positions_.end()) return it->second;
            if (p.empty()) return {};
            p.erase(p.rfind('/'));
        }
    }
    Diagnostic diagnostic(std::string pointer, std::string message, std::string hint = {}) const {
        SourcePosition at = position(pointer);
        return Diagnostic{file_, std::move(pointer), at, std::move(message), std::move(hint)};
    }

private:
    friend TemplateSource parse_template(std::string_view, std::string, json::InputLimits);
    std::string file_;
    nlohmann::json root_;
    std::shared_ptr<const json::JsonSource> json_;          // JSON templates
    std::map<std::string, SourcePosition> positions_;       // YAML templates: pointer -> position
};

namespace detail {

// The long-form name of each short-form tag.
inline std::optional<std::string> long_form(std::string_view tag) {
    static const std::map<std::string, std::string, std::less<>> names{
        {"!Ref", "Ref"},           {"!Condition", "Condition"},     {"!GetAtt", "Fn::GetAtt"},   {"!Sub", "Fn::Sub"},
        {"!If", "Fn::If"},         {"!Join", "Fn::Join"},           {"!Split", "Fn::Split"},     {"!Select", "Fn::Select"},
        {"!Equals", "Fn::Equals"}, {"!Not", "Fn::Not"},             {"!And", "Fn::And"},         {"!Or", "Fn::Or"},
        {"!FindInMap", "Fn::FindInMap"}, {"!ImportValue", "Fn::ImportValue"}, {"!Base64", "Fn::Base64"},
        {"!GetAZs", "Fn::GetAZs"}, {"!Cidr", "Fn::Cidr"},           {"!Transform", "Fn::Transform"},
    };
    auto it = names.find(tag);
    if (it == names.end()) return std::nullopt;
    return it->second;
}

class YamlReader {
public:
    YamlReader(std::string file, std::map<std::string, SourcePosition>& positions, std::size_t max_depth)
        : file_(std::move(file)), positions_(positions), max_depth_(max_depth) {}

    nlohmann::json read(const YAML::Node& node, const std::string& pointer, std::size_t depth) {
        if (depth > max_depth_) fail(node, pointer, "nesting deeper than " + std::to_string(max_depth_) + " levels");
        if (!positions_.contains(pointer)) positions_[pointer] = at(node);
        const std::string& tag = node.Tag();
        if (!tag.empty() && tag != "?" && tag != "!" && tag.rfind("tag:yaml.org,2002:", 0) != 0) {
            auto name = long_form(tag);
            if (!name) fail(node, pointer, "unknown tag " + printable(tag) + " (CloudFormation's short forms: !Ref, !GetAtt, !Sub, !If, ...)");
            const std::string inner = pointer + "/" + json_pointer::escape(*name);
            positions_[inner] = at(node);
            nlohmann::json value = read_untagged(node, inner, depth + 1);
            if (*name == "Fn::GetAtt" && value.is_string()) {
                // "!GetAtt Resource.Attribute": the attribute may itself hold dots (Outputs.X).
                const std::string text = value.get<std::string>();
                const auto dot = text.find('.');
                if (dot == std::string::npos || dot == 0 || dot + 1 == text.size())
                    fail(node, inner, "!GetAtt needs 'LogicalId.Attribute', not '" + printable(text) + "'");
                value = nlohmann::json::array({text.substr(0, dot), text.substr(dot + 1)});
                positions_[inner + "/0"] = positions_[inner + "/1"] = at(node);
            }
            return nlohmann::json{{*name, std::move(value)}};
        }
        return read_untagged(node, pointer, depth);
    }

private:
    SourcePosition at(const YAML::Node& n) const {
        const auto m = n.Mark();
        if (m.is_null()) return {};
        return {static_cast<std::size_t>(m.line) + 1, static_cast<std::size_t>(m.column) + 1};
    }
    [[noreturn]] void fail(const YAML::Node& n, const std::string& pointer, std::string message) const {
        throw InputError(Diagnostic{file_, pointer, at(n), std::move(message), {}});
    }

    nlohmann::json read_untagged(const YAML::Node& node, const std::string& pointer, std::size_t depth) {
        switch (node.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null: return nullptr;
            case YAML::NodeType::Scalar: return scalar(node, pointer);
            case YAML::NodeType::Sequence: {
                nlohmann::json a = nlohmann::json::array();
                std::size_t i = 0;
                for (const auto& item : node) {
                    a.push_back(read(item, pointer + "/" + std::to_string(i), depth + 1));
                    ++i;
                }
                return a;
            }
            case YAML::NodeType::Map: {
                nlohmann::json o = nlohmann::json::object();
                for (const auto& kv : node) {
                    if (kv.first.Type() != YAML::NodeType::Scalar) fail(kv.first, pointer, "a mapping key must be a plain string");
                    const std::string key = kv.first.Scalar();
                    check_text(kv.first, pointer, key);
                    const std::string member = pointer + "/" + json_pointer::escape(key);
                    if (o.contains(key)) fail(kv.first, member, "duplicate key '" + printable(key) + "'");
                    positions_[member] = at(kv.first);
                    o[key] = read(kv.second, member, depth + 1);
                }
                return o;
            }
        }
        return nullptr;
    }

    void check_text(const YAML::Node& n, const std::string& pointer, const std::string& s) const {
        if (!valid_utf8(s)) fail(n, pointer, "text that is not UTF-8 (a template is Unicode text)");
        if (s.find(symbol_mark) != std::string::npos) fail(n, pointer, "the character U+E000 (private use) is not accepted in a template");
    }

    // Typed as every YAML front end types scalars (input/detail/yaml_scalar.hpp). CloudFormation
    // converts numbers where a property needs a string.
    nlohmann::json scalar(const YAML::Node& node, const std::string& pointer) const {
        check_text(node, pointer, node.Scalar());
        return input::detail::yaml_scalar_value(node.Scalar(), node.Tag());
    }

    std::string file_;
    std::map<std::string, SourcePosition>& positions_;
    std::size_t max_depth_;
};

inline void refuse_marks(const nlohmann::json& j, const json::JsonSource& source, const std::string& pointer) {
    auto bad = [&](const std::string& at) {
        throw InputError(Diagnostic{source.file(), at, source.position(at), "the character U+E000 (private use) is not accepted in a template", {}});
    };
    if (j.is_string() && j.get_ref<const std::string&>().find(symbol_mark) != std::string::npos) bad(pointer);
    if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i) refuse_marks(j[i], source, pointer + "/" + std::to_string(i));
    if (j.is_object())
        for (const auto& [k, v] : j.items()) {
            if (k.find(symbol_mark) != std::string::npos) bad(pointer + "/" + json_pointer::escape(k));
            refuse_marks(v, source, pointer + "/" + json_pointer::escape(k));
        }
}

}  // namespace detail

// Parse a template (JSON when its first non-blank character is '{', else YAML). Throws
// InputError with file, line:column and pointer on malformed input.
inline TemplateSource parse_template(std::string_view text, std::string file, json::InputLimits limits = {}) {
    TemplateSource t;
    t.file_ = file;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
        auto source = std::make_shared<json::JsonSource>(json::parse_json(text, file, limits));
        detail::refuse_marks(source->root(), *source, "");
        t.root_ = source->root();
        t.json_ = std::move(source);
        return t;
    }
    if (text.find('\0') != std::string_view::npos) throw InputError(Diagnostic{file, "", {}, "NUL byte in the template", {}});
    YAML::Node node;
    try {
        node = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        const SourcePosition at = e.mark.is_null() ? SourcePosition{} : SourcePosition{std::size_t(e.mark.line) + 1, std::size_t(e.mark.column) + 1};
        throw InputError(Diagnostic{file, "", at, "malformed YAML: " + printable(e.msg), {}});
    }
    detail::YamlReader reader(file, t.positions_, limits.max_depth);
    t.root_ = reader.read(node, "", 0);
    return t;
}

// Read and parse a template file ("-": standard input).
inline TemplateSource load_template_file(const std::string& file, json::InputLimits limits = {}) {
    std::string text = json::read_input_file(file, limits);
    return parse_template(text, file == "-" ? std::string(json::standard_input_name) : file, limits);
}

}  // namespace xc::input::cloudformation
