// Differential test: xc's evaluator against Terraform itself (`terraform console`, 1.11.4).
//
// Expressions come from a hand-written list of tricky cases and a seeded random generator over
// the constructs and functions xc supports. Both sides print jsonencode(result); an error is
// "XCERR" on both sides. `terraform console` prints only the last line it evaluates when its
// input is not a terminal, so one batch is ONE line: jsonencode([try(jsonencode(e1), "XCERR"),
// ...]); a batch that fails as a whole (an error try cannot catch) is re-run one by one.
// Results xc leaves unknown (forms it does not evaluate, with a reason) are counted, not compared.
//
// XC_TF_RANDOM_EXPRESSIONS sets the number of random expressions (default 3000), XC_TF_SEED
// the seed. Documented differences are excluded from generation and listed in the README.
#include "eval_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <random>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace differential_test {

using namespace xc::test::terraform;

std::size_t env_size(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

// Random expressions. Every generator returns HCL source text.
class Generator {
public:
    explicit Generator(std::uint64_t seed) : rng_(seed) {}

    std::string any(int depth) {
        switch (pick(depth <= 0 ? 3 : 11)) {
        case 9: return construct(depth);
        case 10: return convert(depth);
        case 0: return number(depth);
        case 1: return string(depth);
        case 2: return boolean(depth);
        case 3: return collection(depth);
        case 4: return string(depth);
        case 5: return number(depth);
        case 6: return conditional(depth);
        case 7: return collection(depth);
        default: return encoded(depth);
        }
    }

    std::string number(int depth) {
        static const char* lits[] = {"0", "1", "2", "3", "7", "10", "-1", "0.1", "0.2", "0.5", "1.5", "2.25", "1e3", "1e-3", "123456789012345678",
                                     "9223372036854775807", "18446744073709551616", "0.3333", "100", "42"};
        if (depth <= 0) return pickof(lits);
        switch (pick(9)) {
        case 0: case 1: return pickof(lits);
        case 2: return "(" + number(depth - 1) + " " + pickof({"+", "-", "*", "/", "%"}) + " " + number(depth - 1) + ")";
        case 3: return "length(" + any(depth - 1) + ")";
        case 4: return std::string(pickof({"abs", "ceil", "floor"})) + "(" + number(depth - 1) + ")";
        case 5: return std::string(pickof({"min", "max"})) + "(" + number(depth - 1) + ", " + number(depth - 1) + ")";
        case 6: return "tonumber(" + pickof({"\"12\"", "\"1.5\"", "\"x\"", "null", "true"}) + ")";
        case 7: return "-" + number(depth - 1);
        default: return "index([\"a\", \"b\", \"c\"], " + pickof({"\"a\"", "\"c\"", "\"z\""}) + ")";
        }
    }

    std::string string(int depth) {
        static const char* lits[] = {"\"\"", "\"a\"", "\"abc\"", "\"Hello World\"", "\"a,b,,c\"", "\"  pad  \"", "\"x-y_z\"", "\"<&>\"",
                                     "\"caf\\u00e9\"", "\"line1\\nline2\"", "\"tab\\tx\"", "\"q\\\"uote\"", "\"10.0.0.0/16\"", "\"true\"", "\"1\"", "\"$${x}\""};
        if (depth <= 0) return pickof(lits);
        switch (pick(19)) {
        case 0: case 1: return pickof(lits);
        case 2: return "\"pre-${" + any(depth - 1) + "}-post\"";
        case 3: return std::string(pickof({"upper", "lower", "trimspace", "strrev", "title"})) + "(" + string(depth - 1) + ")";
        case 4: return "join(" + pickof({"\",\"", "\"\"", "\" - \""}) + ", " + list_of_strings(depth - 1) + ")";
        case 5: return "format(" + format_string() + ", " + any(depth - 1) + ")";
        case 6: return "replace(" + string(depth - 1) + ", " + pickof({"\"a\"", "\",\"", "\"\""}) + ", " + pickof({"\"X\"", "\"\""}) + ")";
        case 7: return "substr(" + string(depth - 1) + ", " + pickof({"0", "1", "-2", "5"}) + ", " + pickof({"1", "-1", "3", "0"}) + ")";
        case 8: return "\"%{if " + boolean(depth - 1) + "}yes%{else}no%{endif}\"";
        case 9: return "\"%{for i, x in " + list_of_strings(depth - 1) + "~} [${i}=${x}] %{~endfor}\"";
        case 10: return "cidrsubnet(" + pickof({"\"10.0.0.0/16\"", "\"192.168.0.0/24\"", "\"10.1.0.0/8\"", "\"10.0.0.0/33\""}) + ", " + pickof({"0", "4", "8", "9"}) + ", " +
                        pickof({"0", "3", "15", "300"}) + ")";
        case 11: return "cidrhost(" + pickof({"\"10.0.0.0/16\"", "\"192.168.4.0/24\"", "\"10.0.0.0/30\""}) + ", " + pickof({"0", "5", "-1", "300"}) + ")";
        case 12: return "tostring(" + any(depth - 1) + ")";
        case 13: return std::string(pickof({"sha256", "md5", "base64encode"})) + "(" + string(depth - 1) + ")";
        case 14: return "indent(" + pickof({"2", "0"}) + ", " + string(depth - 1) + ")";
        case 15: return std::string(pickof({"trimprefix", "trimsuffix", "trim"})) + "(" + string(depth - 1) + ", " + pickof({"\"a\"", "\"ab\"", "\" \"", "\"\""}) + ")";
        case 16: return std::string(pickof({"chomp", "base64decode", "cidrnetmask"})) + "(" +
                        pickof({"\"a\\n\\r\\n\"", "\"eGM=\"", "\"10.0.0.0/8\"", "\"172.16.0.0/33\"", "\"!\""}) + ")";
        case 17: return "tostring(" + std::string(pickof({"alltrue", "anytrue"})) + "([" + boolean(depth - 1) + ", " + pickof({"true", "false", "\"true\"", "null"}) + "]))";
        default: return "coalesce(" + pickof({"\"\"", "null"}) + ", " + string(depth - 1) + ")";
        }
    }

    std::string boolean(int depth) {
        if (depth <= 0) return pickof({"true", "false"});
        switch (pick(8)) {
        case 0: return pickof({"true", "false"});
        case 1: return number(depth - 1) + " " + pickof({"<", ">", "<=", ">=", "==", "!="}) + " " + number(depth - 1);
        case 2: return any(depth - 1) + " " + pickof({"==", "!="}) + " " + any(depth - 1);
        case 3: return "(" + boolean(depth - 1) + " " + pickof({"&&", "||"}) + " " + boolean(depth - 1) + ")";
        case 4: return "!" + boolean(depth - 1);
        case 5: return "contains(" + list_of_strings(depth - 1) + ", " + string(0) + ")";
        case 6: return std::string(pickof({"startswith", "endswith"})) + "(" + string(depth - 1) + ", " + pickof({"\"a\"", "\"\"", "\"c\""}) + ")";
        default: return "can(" + any(depth - 1) + ")";
        }
    }

    std::string list_of_strings(int depth) {
        switch (pick(depth <= 0 ? 2 : 8)) {
        case 0: return pickof({"[]", "[\"a\"]", "[\"b\", \"a\", \"b\"]", "[\"x\", \"\", \"y\"]"});
        case 1: return "[" + string(0) + ", " + string(0) + "]";
        case 2: return "split(" + pickof({"\",\"", "\"\"", "\"b\""}) + ", " + string(depth - 1) + ")";
        case 3: return "[for s in " + list_of_strings(depth - 1) + " : upper(s)]";
        case 4: return std::string(pickof({"sort", "distinct", "compact", "reverse", "tolist", "toset"})) + "(" + list_of_strings(depth - 1) + ")";
        case 5: return "keys(" + object(depth - 1) + ")";
        case 6: return "formatlist(\"%s-%s\", " + list_of_strings(depth - 1) + ", \"z\")";
        default: return "concat(" + list_of_strings(depth - 1) + ", " + list_of_strings(depth - 1) + ")";
        }
    }

    std::string object(int depth) {
        if (depth <= 0) return pickof({"{}", "{a = 1}", "{b = \"x\", a = [1, 2]}", "{\"k-1\" = true, z = null}"});
        switch (pick(7)) {
        case 0: return "{a = " + any(depth - 1) + ", b = " + any(depth - 1) + "}";
        case 1: return "merge(" + object(depth - 1) + ", " + object(depth - 1) + ")";
        case 2: return "{for k in " + list_of_strings(depth - 1) + " : k => upper(k)" + pickof({"", "..."}) + "}";
        case 3: return "zipmap(" + list_of_strings(depth - 1) + ", " + list_of_strings(depth - 1) + ")";
        case 4: return "tomap(" + object(depth - 1) + ")";
        case 5: return "{(" + string(depth - 1) + ") = " + any(depth - 1) + "}";
        default: return "{for k, v in " + object(depth - 1) + " : v => k if k != \"a\"}";
        }
    }

    std::string collection(int depth) {
        switch (pick(depth <= 0 ? 2 : 20)) {
        case 0: return list_of_strings(depth);
        case 1: return object(depth);
        case 2: return "[" + any(depth - 1) + ", " + any(depth - 1) + "]";
        case 3: return "tolist([" + any(depth - 1) + ", " + any(depth - 1) + "])";
        case 4: return "toset([" + number(depth - 1) + ", " + number(depth - 1) + ", " + number(depth - 1) + "])";
        case 5: return "flatten([" + collection(depth - 1) + ", [" + any(depth - 1) + "]])";
        case 6: return "[for x in " + collection(depth - 1) + " : x]";
        case 7: return "[{a = " + any(depth - 1) + "}, {a = " + any(depth - 1) + "}][*].a";
        case 8: return any(depth - 1) + "[*]";
        case 9: return "values(" + object(depth - 1) + ")";
        case 10: return "range(" + pickof({"3", "0", "1, 4", "5, 1", "0, 10, 3", "1.5"}) + ")";
        case 11: return "slice(" + list_of_strings(depth - 1) + ", " + pickof({"0, 1", "1, 2", "0, 0"}) + ")";
        case 12: return "chunklist(" + list_of_strings(depth - 1) + ", " + pickof({"1", "2"}) + ")";
        case 13: return std::string(pickof({"setunion", "setintersection", "setsubtract"})) + "(" + list_of_strings(depth - 1) + ", " + list_of_strings(depth - 1) + ")";
        case 14: return "setproduct(" + list_of_strings(depth - 1) + ", [1, 2])";
        case 15: return "lookup(" + object(depth - 1) + ", " + pickof({"\"a\"", "\"b\"", "\"zz\""}) + ", " + any(0) + ")";
        case 16: return "element(" + list_of_strings(depth - 1) + ", " + pickof({"0", "3", "-1"}) + ")";
        case 17: return "coalescelist([], " + collection(depth - 1) + ")";
        case 18: return "one(" + pickof({"[]", "[1]", "[1, 2]", "toset([\"a\"])"}) + ")";
        default: return object(depth - 1) + "[" + pickof({"\"a\"", "\"b\"", "0"}) + "]";
        }
    }

    // for expressions, splats, indexes and templates over structured values.
    std::string construct(int depth) {
        switch (pick(10)) {
        case 0: return "[for i, v in " + collection(depth - 1) + " : " + pickof({"i", "v", "\"${i}\"", "[i, v]"}) + pickof({"", " if i != 0", " if v != null"}) + "]";
        case 1: return "{for i, v in " + collection(depth - 1) + " : tostring(i) => v" + pickof({"", "..."}) + "}";
        case 2: return "{for o in " + objects_list(depth - 1) + " : o.k => o.v...}";
        case 3: return objects_list(depth - 1) + pickof({"[*].v", "[*].k", ".*.v", "[*]", "[0].k", "[1]"});
        case 4: return "tolist(" + objects_list(depth - 1) + ")[*].v";
        case 5: return "\"%{for k, v in " + object(depth - 1) + "}${k}:${v};%{endfor}\"";
        case 6: return "\"a%{if " + boolean(depth - 1) + " ~} b %{~ else ~} c %{~ endif}d\"";
        case 7: return collection(depth - 1) + "[" + pickof({"0", "1", "\"a\"", "\"k-1\""}) + "]";
        case 8: return "{a = {b = [" + any(depth - 1) + "]}}.a.b[0]";
        default: return "[for k, v in " + object(depth - 1) + " : {key = k, value = v}]";
        }
    }

    std::string objects_list(int depth) {
        return "[{k = " + string(0) + ", v = " + any(depth) + "}, {k = " + string(0) + ", v = " + any(depth) + "}]";
    }

    // Type conversions: constraints Terraform applies through functions and unification.
    std::string convert(int depth) {
        switch (pick(8)) {
        case 0: return std::string(pickof({"tostring", "tonumber", "tobool"})) + "(" +
                       pickof({"\"1\"", "\"0\"", "\"true\"", "\"false\"", "\"1.50\"", "\"-0\"", "\"1e2\"", "1", "0.5", "true", "null", "\"x\""}) + ")";
        case 1: return std::string(pickof({"tolist", "toset"})) + "([" + any(depth - 1) + ", " + any(depth - 1) + "])";
        case 2: return "tomap({a = " + any(depth - 1) + ", b = " + any(depth - 1) + "})";
        case 3: return "(" + boolean(depth - 1) + " ? " + object(depth - 1) + " : " + object(depth - 1) + ")";
        case 4: return "(" + boolean(depth - 1) + " ? " + collection(depth - 1) + " : " + collection(depth - 1) + ")";
        case 5: return "format(" + format_string() + ", " + number(depth - 1) + ")";
        case 6: return "[" + number(depth - 1) + ", tostring(" + number(depth - 1) + "), jsonencode(" + number(depth - 1) + ")]";
        default: return "concat(" + collection(depth - 1) + ", [" + any(depth - 1) + "])";
        }
    }

    std::string conditional(int depth) { return "(" + boolean(depth - 1) + " ? " + any(depth - 1) + " : " + any(depth - 1) + ")"; }

    std::string encoded(int depth) {
        switch (pick(4)) {
        case 0: return "jsonencode(" + any(depth - 1) + ")";
        case 1: return "yamlencode(" + any(depth - 1) + ")";
        case 2: return "jsondecode(jsonencode(" + any(depth - 1) + "))";
        default: return "try(" + any(depth - 1) + ", \"fallback\")";
        }
    }

    std::string format_string() {
        return pickof({"\"%v\"", "\"%s\"", "\"%d\"", "\"%5d|%-5v|\"", "\"%.2f\"", "\"%q\"", "\"%x\"", "\"%t\"", "\"%e\"", "\"%g\"", "\"%03d\"", "\"%%-%v\"", "\"%#v\"",
                       "\"%8.3f\"", "\"%+d\"", "\"%08.3f\"", "\"%+.2e\"", "\"%-6d|\"", "\"%5.1s\"", "\"%#x\"", "\"%b\"", "\"%X\"", "\"%G\"", "\"%.3g\"", "\"% d\"",
                       "\"%.0f\"", "\"%10.4g\"", "\"%-8q|\"", "\"%[1]v-%[1]v\"", "\"%.1f\""});
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    template <std::size_t N>
    const char* pickof(const char* const (&xs)[N]) { return xs[pick(N)]; }
    std::string pickof(std::initializer_list<const char*> xs) { return *(xs.begin() + pick(xs.size())); }
    std::mt19937_64 rng_;
};

// Hand-written cases: the corners of numbers, conversion, templates, splats and functions.
std::vector<std::string> tricky_cases() {
    return {
        "0.1 + 0.2", "1/3", "2/3", "length(\"a\")/length(\"abc\")", "9223372036854775807 + 1", "1e30", "1.5e300 * 1e300", "-7 % 3", "7.5 % 2", "-5 % -3", "5 % -3",
        "1 / 0", "-1 / 0", "0 / 0", "-0", "tostring(0.1 * 3)", "format(\"%.2f\", 2.345)", "format(\"%.1f\", 0.25)", "format(\"%.0f\", 2.5)", "format(\"%e\", 1234.5678)",
        "format(\"%g\", 1e21)", "format(\"%g\", 0.00001234)", "format(\"%G\", 1e-7)", "format(\"%8.2e\", 12345)", "format(\"%d\", 2.5)", "format(\"%x\", 255)",
        "format(\"%b\", 5)", "format(\"%o\", 8)", "format(\"%q\", \"a\\\"\\u00e9\\n\")", "format(\"%10.3f|%-8s|%5t\", 3.14159, \"ab\", true)", "format(\"%[2]s %[1]s\", \"a\", \"b\")",
        "format(\"%s\")", "format(\"%s\", 1, 2)", "format(\"%v\", [1, \"a\"])", "format(\"%v\", null)", "toset([3, 1, 2, 10])", "toset([\"b\", \"a\", \"B\"])",
        "toset([true, false])", "toset([1, \"a\"])", "tolist([1, \"a\", true])", "tomap({a = 1, b = \"x\"})", "tobool(\"1\")", "tobool(\"yes\")", "tonumber(\"1e3\")",
        "tonumber(\"0x10\")", "tonumber(\" 1\")", "true ? 1 : \"a\"", "false ? [1] : [\"a\", 2]", "true ? {a = 1} : {b = 2}", "false ? null : 1", "\"x\"[*]", "null[*]",
        "[[1, 2], [3]][*][0]", "{a = {b = 1}}.a.b", "[[1, 2]].0.1", "[{a = 1}, {a = 2}][*].a", "{for x in [\"a\", \"a\"] : x => 1}", "{for x in [\"a\", \"b\", \"a\"] : x => x...}",
        "[for i, x in toset([\"b\", \"a\"]) : \"${i}${x}\"]", "[for k, v in {b = 1, a = 2} : \"${k}=${v}\"]", "\"%{for x in [1, 2]~} ${x} %{~endfor}\"",
        "\"a ${~ \" b \" ~} c\"", "\"%{if false}a%{endif}b\"", "\"${null}\"", "\"${[1]}\"", "jsonencode(\"<&>\\u2028\")", "jsonencode({b = [1, null, true], a = 1.5})",
        "yamlencode({a = [1, \"x\", true, null, 1.5, \"yes\", \"1\", \"\", {}], b = {c = \"multi\\nline\"}})", "yamlencode(\"x\")", "yamlencode([[1, 2], [], {}])",
        "yamlencode([{a = 1, b = [2]}])", "yamlencode({a = \"ends\\n\", b = \"two\\n\\n\"})", "jsondecode(\"[1, 2.50, 1e2, \\\"x\\\", {\\\"b\\\": null, \\\"a\\\": false}]\")",
        "cidrsubnet(\"10.0.0.0/16\", 8, 255)", "cidrsubnet(\"10.0.0.0/16\", 8, 256)", "cidrsubnet(\"172.16.0.0/12\", 4, 2)", "cidrhost(\"10.0.0.0/24\", 256)",
        "cidrhost(\"10.12.112.0/20\", 16)", "cidrnetmask(\"172.16.0.0/12\")", "split(\"\", \"abc\")", "split(\",\", \"\")", "join(\",\", [])", "replace(\"aaa\", \"a\", \"b\")",
        "replace(\"abc\", \"\", \"-\")", "substr(\"hello\", -3, -1)", "substr(\"hello\", 1, 100)", "substr(\"hello\", 6, 1)", "title(\"hello world-foo bar_baz\")",
        "trim(\"?!hello?!\", \"!?\")", "trimprefix(\"helloworld\", \"hello\")", "trimsuffix(\"helloworld\", \"world\")", "indent(2, \"a\\nb\\n\")", "lookup({a = 1}, \"b\", \"x\")",
        "lookup(tomap({a = 1}), \"b\", \"x\")", "element([1, 2, 3], 5)", "element([], 0)", "merge({a = 1}, {a = \"x\", b = 2})", "merge(tomap({a = 1}), tomap({b = 2}))",
        "concat([1], [\"a\"])", "concat(tolist([1]), tolist([2]))", "flatten([[1, [2]], 3, []])", "keys({b = 1, a = 2})", "values(tomap({b = 1, a = 2}))",
        "distinct([1, 2, 1, \"1\"])", "zipmap([\"a\", \"b\"], [1, 2])", "zipmap([\"a\", \"a\"], [1, 2])", "coalesce(\"\", null, \"x\")", "coalesce(1, \"a\")",
        "coalescelist([], [1])", "one([])", "one(toset([1, 1]))", "range(1, 4)", "range(5, 1)", "range(0, 1, 0.25)", "range(2000)", "sort([\"b\", \"A\", \"a\"])",
        "sort([3, 20, 1])", "reverse([1, 2])", "slice([1, 2, 3], 1, 3)", "index([\"a\"], \"b\")", "chunklist([1, 2, 3], 2)", "setproduct([\"a\", \"b\"], [1, 2])",
        "setunion([\"b\"], [\"a\", \"b\"])", "setintersection([1, 2], [2, 3])", "min()", "max(1, \"3\", 2)", "abs(-0.5)", "ceil(1.2)", "floor(-1.2)", "length({a = 1})",
        "length(\"caf\\u00e9\")", "upper(5)", "strrev(\"abc\")", "startswith(\"abc\", \"\")", "can(1/\"a\")", "try(1/\"a\", \"fb\")", "try(jsondecode(\"{\"), null)",
        "base64decode(\"eGM=\")", "base64decode(\"!\")", "md5(\"\")", "sha256(\"\")", "1 == \"1\"", "[1] == [1]", "tolist([1]) == [1]", "{a = 1} == {a = 1}",
        "null == null", "1 < \"2\"", "\"a\" < 1", "!\"true\"", "true && \"false\"", "-\"5\"", "[1, 2][\"1\"]", "{a = 1}[\"b\"]", "[1][1.5]", "[1][-1]",
        "toset([1])[0]", "\"abc\".x", "1.5e-400", "1e-7", "123456789012345678901234567890", "00012", "1.0", "1.50", "0.000001",
        "chomp(\"a\\r\\r\\n\")", "alltrue([])", "anytrue([false, null])", "alltrue([true, \"true\"])", "tolist([\"a\", null])[*][*]",
        "timestamp() == \"x\"", "[for x in [1, 2] : x if x > 1]", "{for k, v in {a = 1, b = 2} : v => k}", "[\"a\", null][*][*]",
    };
}

// Writes `lines` (one batch per line) through one console process per line; returns its stdout.
// The console's output, "" when it failed, or "TFCRASH" when Terraform itself crashed.
std::string console(const xc::test::TempDir& tmp, const std::string& line) {
    const auto in = tmp / "batch.hcl";
    xc::test::write_file(in, line + "\n");
    auto r = xc::test::run("cd " + xc::test::quote(tmp.path().string()) + " && TF_CLI_CONFIG_FILE=" + xc::test::quote((tmp / "cli.tfrc").string()) +
                           " terraform console -no-color < " + xc::test::quote(in.string()));
    if (r.exit_code == 0) return r.out;
    if ((r.out + r.err).find("TERRAFORM CRASH") != std::string::npos) return "TFCRASH";
    return std::string();
}

// Terraform's results for `exprs` (jsonencode text or "XCERR"), in batches.
std::vector<std::string> terraform_results(const xc::test::TempDir& tmp, const std::vector<std::string>& exprs) {
    std::vector<std::string> out(exprs.size());
    const std::size_t batch = 400;
    auto run_batch = [&](std::size_t from, std::size_t to) -> bool {
        std::string line = "jsonencode([";
        for (std::size_t i = from; i < to; ++i) line += (i > from ? ", " : "") + std::string("try(jsonencode(") + exprs[i] + "), \"XCERR\")";
        line += "])";
        std::string text = console(tmp, line);
        if (text == "TFCRASH" && to - from == 1) {
            out[from] = text;
            return true;
        }
        if (text.empty() || text == "TFCRASH") return false;
        try {
            auto outer = nlohmann::json::parse(text);  // the console prints a quoted HCL string of JSON
            auto arr = nlohmann::json::parse(outer.get<std::string>());
            for (std::size_t i = from; i < to; ++i) out[i] = arr.at(i - from).get<std::string>();
            return true;
        } catch (const std::exception&) {
            if (to - from == 1) out[from] = "TERRAFORM PRINTED: " + text;  // e.g. "(sensitive value)"
            return to - from == 1;
        }
    };
    // A batch that fails as a whole holds an error try() cannot catch: halve it until the
    // failing expressions stand alone (they count as errors).
    std::function<void(std::size_t, std::size_t)> solve = [&](std::size_t from, std::size_t to) {
        if (run_batch(from, to)) return;
        if (to - from == 1) {
            out[from] = "XCERR";
            return;
        }
        const std::size_t mid = from + (to - from) / 2;
        solve(from, mid);
        solve(mid, to);
    };
    for (std::size_t from = 0; from < exprs.size(); from += batch) solve(from, std::min(exprs.size(), from + batch));
    return out;
}

struct Figures {
    std::size_t compared = 0, agreed = 0, xc_unknown = 0, set_order = 0, terraform_crashed = 0;
    std::vector<std::string> disagreements;
};

// JSON with every array sorted (recursively): equal for values that differ only in order.
std::string order_free(const std::string& text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception&) {
        return text;
    }
    std::function<void(nlohmann::json&)> canon = [&](nlohmann::json& x) {
        if (x.is_object())
            for (auto& [k, v] : x.items()) canon(v);
        if (x.is_array()) {
            for (auto& v : x) canon(v);
            std::sort(x.begin(), x.end(), [](const nlohmann::json& a, const nlohmann::json& b) { return a.dump() < b.dump(); });
        }
    };
    canon(j);
    return j.dump();
}

// Documented difference (README, "Terraform expressions"): cty orders a set whose elements are
// not strings, numbers or bools by an internal hash; xc orders them structurally. Such a
// result may differ from Terraform's in element order only.
bool set_of_structures_order_only(const std::string& expr, const std::string& tf, const std::string& mine) {
    const bool makes_set = expr.find("toset(") != std::string::npos || expr.find("setunion(") != std::string::npos ||
                           expr.find("setintersection(") != std::string::npos || expr.find("setsubtract(") != std::string::npos ||
                           expr.find("setproduct(") != std::string::npos;
    return makes_set && tf != "XCERR" && mine != "XCERR" && order_free(tf) == order_free(mine);
}

Figures compare(const std::vector<std::string>& exprs) {
    if (xc::test::run("command -v terraform").exit_code != 0) {
        ADD_FAILURE() << "terraform is not on PATH: the differential test needs Terraform 1.11.4 (`terraform console`)";
        return {};
    }
    xc::test::TempDir tmp;
    xc::test::write_file(tmp / "cli.tfrc", "");
    auto tf = terraform_results(tmp, exprs);
    Figures f;
    for (std::size_t i = 0; i < exprs.size(); ++i) {
        const std::string mine = json_or_marker(eval_text(exprs[i]));
        // Documented: Terraform 1.11.4 crashes (a panic) on some nested splats over a list
        // holding null, e.g. tolist(["a", null])[*][*]; nothing to compare with.
        if (tf[i] == "TFCRASH") {
            ++f.terraform_crashed;
            continue;
        }
        if (mine == "XCUNKNOWN") {
            ++f.xc_unknown;
            continue;
        }
        ++f.compared;
        if (mine == tf[i]) ++f.agreed;
        else if (set_of_structures_order_only(exprs[i], tf[i], mine)) ++f.set_order;
        else f.disagreements.push_back(exprs[i] + "\n    terraform: " + tf[i] + "\n    xc:        " + mine);
    }
    return f;
}

void report(const Figures& f, const char* what) {
    std::cout << what << ": " << f.compared << " compared, " << f.agreed << " agreed, " << f.disagreements.size() << " disagreements, " << f.set_order
              << " differing only in the order of a set of structures (documented), " << f.xc_unknown << " left unknown by xc, "
              << f.terraform_crashed << " on which terraform crashed\n";
    std::string all;
    for (std::size_t i = 0; i < f.disagreements.size() && i < 40; ++i) all += f.disagreements[i] + "\n";
    EXPECT_TRUE(f.disagreements.empty()) << all;
}

TEST(TerraformDifferential, TrickyCases) { report(compare(tricky_cases()), "tricky cases"); }

TEST(TerraformDifferential, RandomExpressions) {
    const std::size_t n = env_size("XC_TF_RANDOM_EXPRESSIONS", 3000);
    const std::uint64_t seed = env_size("XC_TF_SEED", 18);
    Generator g(seed);
    std::vector<std::string> exprs;
    for (std::size_t i = 0; i < n; ++i) exprs.push_back(g.any(3));
    report(compare(exprs), "random expressions");
}

}  // namespace differential_test
