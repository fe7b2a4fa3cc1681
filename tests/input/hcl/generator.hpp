// Random HCL files for the differential test against HashiCorp's parser (seeded, so a failure
// reproduces): bodies, blocks with labels, one-line blocks, comments, every expression form,
// templates with directives, strip markers and heredocs — mostly valid, and a fraction mutated
// (a byte deleted, duplicated or replaced by punctuation) so both parsers must also reject alike.
// ASCII only (hcl2json receives the text as a JS string; see README of this directory).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace xc::input::hcl::test {

class Generator {
public:
    explicit Generator(std::uint64_t seed) : rng_(seed) {}

    std::string file() {
        std::string out;
        body(out, 0);
        if (pick(5) == 0) mutate(out);
        return out;
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    bool chance(int percent) { return pick(100) < static_cast<std::size_t>(percent); }

    std::string name(const char* prefix) {
        static const char* words[] = {"x", "id", "name", "vpc_id", "a-b", "_u", "count", "each", "tags", "k9", "for", "in", "if", "true", "null"};
        return std::string(prefix) + words[pick(std::size(words))];
    }
    std::string var() {
        static const char* roots[] = {"var", "local", "each", "count", "data", "aws_vpc", "module", "x", "for_each", "self"};
        return roots[pick(std::size(roots))];
    }

    void indent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

    void comment(std::string& out) {
        switch (pick(3)) {
            case 0: out += "# note " + std::to_string(pick(100)) + "\n"; break;
            case 1: out += "// note\n"; break;
            default: out += "/* block\n comment */\n"; break;
        }
    }

    void body(std::string& out, int depth) {
        const std::size_t items = 1 + pick(depth == 0 ? 6 : 4);
        int attr = 0;
        for (std::size_t i = 0; i < items; ++i) {
            indent(out, depth);
            const std::size_t what = pick(10);
            if (what < 6) {
                out += "a" + std::to_string(attr++) + name("_") + " = ";
                expr(out, 0);
                if (chance(10)) out += " # trailing";
                out += "\n";
            } else if (what < 8 && depth < 3) {
                block(out, depth);
            } else if (what < 9) {
                comment(out);
            } else {
                out += "\n";
            }
        }
    }

    void block(std::string& out, int depth) {
        const std::size_t labels = pick(3);
        // The block type encodes its label count: hcl2json's JSON conversion cannot merge blocks
        // of one type with different label counts.
        out += "b" + std::to_string(labels) + name("_");
        for (std::size_t i = 0; i < labels; ++i) {
            if (chance(70)) {
                out += " \"";
                out += pick(4) == 0 ? std::string("with space") : name("l");
                out += "\"";
            } else {
                out += " " + name("l");
            }
        }
        if (chance(20)) {  // one-line block
            out += " { a" + name("_") + " = ";
            expr(out, 1);
            out += " }\n";
            return;
        }
        if (chance(10)) {
            out += " {}\n";
            return;
        }
        out += " {\n";
        body(out, depth + 1);
        indent(out, depth);
        out += "}\n";
    }

    void string_text(std::string& out) {
        static const char* pieces[] = {"abc", " ", "-", "\\n", "\\t", "\\\"", "\\\\", "\\u00e9", "\\U0001F600", "$${x}", "%%{y}",
                                       "$", "%", "arn:aws:s3:::b/*", "{", "}", "~", "${", "}"};
        const std::size_t n = pick(4);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t p = pick(std::size(pieces) - 2);  // not the bare "${"
            out += pieces[p];
        }
    }

    void template_parts(std::string& out, int depth, bool heredoc) {
        const std::size_t n = 1 + pick(4);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t what = pick(10);
            if (what < 4) {
                if (heredoc) out += pick(2) ? "  text " : "line\n  ";
                else string_text(out);
            } else if (what < 7 || depth > 2) {
                out += chance(20) ? "${~" : "${";
                expr(out, depth + 1);
                out += chance(20) ? "~}" : "}";
            } else if (what < 9) {
                out += chance(20) ? "%{~ if " : "%{if ";
                expr(out, depth + 1);
                out += chance(20) ? " ~}" : "}";
                template_parts(out, depth + 1, heredoc);
                if (chance(50)) {
                    out += "%{else}";
                    template_parts(out, depth + 1, heredoc);
                }
                out += chance(20) ? "%{~endif~}" : "%{endif}";
            } else {
                out += "%{for ";
                if (chance(50)) out += "k, ";
                out += "v in ";
                expr(out, depth + 1);
                out += "}";
                template_parts(out, depth + 1, heredoc);
                out += "%{endfor}";
            }
        }
    }

    void expr(std::string& out, int depth) {
        const std::size_t n = depth > 3 ? 6 : 22;
        switch (pick(n)) {
            case 0: out += std::to_string(pick(1000)); return;
            case 1: {
                static const char* numbers[] = {"0", "1.5", "10.25", "1e3", "2E-2", "007", "3.0e+1", "3.e+1"};
                out += chance(3) ? (pick(2) ? "1." : "1.2.3") : numbers[pick(std::size(numbers))];
                return;
            }
            case 2: out += pick(3) == 0 ? "null" : pick(2) ? "true" : "false"; return;
            case 3: out += "\""; string_text(out); out += "\""; return;
            case 4: traversal(out, depth); return;
            case 5: out += "\""; template_parts(out, depth, false); out += "\""; return;
            case 6: case 7: {  // binary
                static const char* ops[] = {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"};
                expr(out, depth + 1);
                out += pick(8) ? " " : "";
                out += ops[pick(std::size(ops))];
                out += pick(8) ? " " : "";
                expr(out, depth + 1);
                return;
            }
            case 8: out += pick(2) ? "-" : "!"; expr(out, depth + 1); return;
            case 9: expr(out, depth + 1); out += " ? "; expr(out, depth + 1); out += " : "; expr(out, depth + 1); return;
            case 10: out += "("; expr(out, depth + 1); out += ")"; return;
            case 11: case 12: {  // tuple
                out += "[";
                const std::size_t k = pick(4);
                const bool multiline = chance(30);
                for (std::size_t i = 0; i < k; ++i) {
                    if (multiline) out += "\n";
                    expr(out, depth + 1);
                    if (i + 1 < k || chance(30)) out += ",";
                    out += " ";
                }
                if (multiline) out += "\n";
                out += "]";
                return;
            }
            case 13: case 14: {  // object
                const std::size_t k = pick(4);
                const bool multiline = chance(50);
                out += "{";
                for (std::size_t i = 0; i < k; ++i) {
                    out += multiline ? "\n" : " ";
                    switch (pick(4)) {
                        case 0: out += "\"k" + std::to_string(i) + "\""; break;
                        case 1: out += "(" + var() + ".k)"; break;
                        case 2: out += std::to_string(i); break;
                        default: out += "k" + std::to_string(i); break;
                    }
                    out += pick(3) == 0 ? ": " : " = ";
                    expr(out, depth + 1);
                    if (!multiline || chance(20)) {
                        if (i + 1 < k || chance(30)) out += ",";
                    }
                }
                if (multiline) out += "\n";
                else out += " ";
                out += "}";
                return;
            }
            case 15: case 16: {  // call
                static const char* fns[] = {"length", "jsonencode", "format", "merge", "provider::aws::arn_parse", "coalesce", "try"};
                out += fns[pick(std::size(fns))];
                out += "(";
                const std::size_t k = pick(4);
                for (std::size_t i = 0; i < k; ++i) {
                    if (i) out += pick(4) ? ", " : ",\n";
                    expr(out, depth + 1);
                }
                if (k > 0 && chance(15)) out += "...";
                else if (k > 0 && chance(10)) out += ",";
                out += ")";
                return;
            }
            case 17: case 18: {  // for
                const bool object = chance(50);
                out += object ? "{for " : "[for ";
                if (chance(50)) out += "k, ";
                out += "v in ";
                expr(out, depth + 1);
                out += pick(4) ? " : " : ":\n";
                if (object) {
                    expr(out, depth + 1);
                    out += " => ";
                }
                expr(out, depth + 1);
                if (object && chance(30)) out += "...";
                if (chance(40)) {
                    out += " if ";
                    expr(out, depth + 1);
                }
                out += object ? "}" : "]";
                return;
            }
            case 19: {  // heredoc (ends the expression: only safe where a newline may follow)
                if (depth > 0) return traversal(out, depth);
                const bool flush = chance(50);
                out += flush ? "<<-EOT\n" : "<<EOT\n";
                const std::size_t lines = 1 + pick(3);
                for (std::size_t i = 0; i < lines; ++i) {
                    out.append(pick(6), ' ');
                    template_parts(out, depth + 1, true);
                    out += "\n";
                }
                out.append(pick(3), ' ');
                out += "EOT";
                return;
            }
            default: traversal(out, depth); return;
        }
    }

    void traversal(std::string& out, int depth) {
        out += var();
        const std::size_t steps = pick(4);
        for (std::size_t i = 0; i < steps; ++i) {
            switch (pick(8)) {
                case 0: out += "[" + std::to_string(pick(3)) + "]"; break;
                case 1: out += "." + std::to_string(pick(3)); break;
                case 2: out += "[*]"; break;
                case 3: out += ".*"; break;
                case 4: out += "[\"key\"]"; break;
                case 5:
                    if (depth < 3) {
                        out += "[";
                        expr(out, depth + 1);
                        out += "]";
                        break;
                    }
                    [[fallthrough]];
                default: out += "." + name(""); break;
            }
        }
    }

    void mutate(std::string& out) {
        if (out.empty()) return;
        static const char punct[] = "{}[]()\",.=:?!<>*+-/%~$#\n ";
        const std::size_t edits = 1 + pick(2);
        for (std::size_t e = 0; e < edits && !out.empty(); ++e) {
            const std::size_t at = pick(out.size());
            switch (pick(3)) {
                case 0: out.erase(at, 1); break;
                case 1: out.insert(at, 1, out[at]); break;
                default: out[at] = punct[pick(sizeof(punct) - 1)]; break;
            }
        }
    }

    std::mt19937_64 rng_;
};

}  // namespace xc::input::hcl::test
