// The errors xc throws: one hierarchy, each class carrying the exit code it maps to.
//
//   Error                 base: exit_code(), context(), diagnostics()
//   ├─ InputError     2   bad input: malformed JSON, a wrong type, a dangling reference, ...
//   ├─ OutputError    2   cannot create or write an output (not the model's fault)
//   ├─ LoweringError  2   a valid model that a target cannot express, optionally located
//   └─ InternalError  3   a bug or an undecidable situation: never reported as a pass
//
// A tool maps them once (xc: tools/xc/main.cpp): print the diagnostics when there are any,
// else "<context>: <what()>", and exit with exit_code(). Undecided verdicts are not errors
// (they are results); InternalError shares their exit code because it, too, decides nothing.
#pragma once

#include <xc/diagnostic.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace xc {

// The exit codes of the xc command line (README "Exit codes").
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int findings = 1;   // a property was violated
inline constexpr int bad_input = 2;  // bad input or usage, unwritable output
inline constexpr int undecided = 3;  // a property could not be decided, or an internal error
}  // namespace exit_code

class Error : public std::runtime_error {
public:
    int exit_code() const noexcept { return exit_code_; }
    // What failed, for a person ("cannot write the output"); empty when the message says it all.
    const std::string& context() const noexcept { return context_; }
    // Located problems (file, line:column, path); empty for errors that have no place in an input.
    const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

protected:
    Error(int exit_code, std::string context, std::string message)
        : std::runtime_error(std::move(message)), exit_code_(exit_code), context_(std::move(context)) {}
    Error(int exit_code, std::vector<Diagnostic> diagnostics)
        : std::runtime_error(join(diagnostics)), exit_code_(exit_code), diagnostics_(std::move(diagnostics)) {}

private:
    static std::string join(const std::vector<Diagnostic>& ds) {
        std::string s;
        for (const auto& d : ds) {
            if (!s.empty()) s += '\n';
            s += to_string(d);
        }
        return s;
    }
    int exit_code_;
    std::string context_;
    std::vector<Diagnostic> diagnostics_;
};

// Bad input: malformed JSON, a wrong type, an unknown field, a dangling reference, ...
class InputError : public Error {
public:
    explicit InputError(std::vector<Diagnostic> diagnostics) : Error(exit_code::bad_input, std::move(diagnostics)) {}
    explicit InputError(Diagnostic d) : InputError(std::vector<Diagnostic>{std::move(d)}) {}
    InputError(std::string path, std::string message, std::string hint = {})
        : InputError(Diagnostic{{}, std::move(path), {}, std::move(message), std::move(hint)}) {}
};

// An output that cannot be created or written.
class OutputError : public Error {
public:
    explicit OutputError(std::string message, std::string context = "cannot write the output")
        : Error(exit_code::bad_input, std::move(context), std::move(message)) {}
};

// A model that passed every check but that a target cannot express. With a location when the
// construct is one place of the model (`path`, located like any diagnostic).
class LoweringError : public Error {
public:
    explicit LoweringError(std::string message) : Error(exit_code::bad_input, {}, std::move(message)) {}
    LoweringError(std::string path, std::string message)
        : LoweringError(Diagnostic{{}, std::move(path), {}, std::move(message), {}}) {}
    explicit LoweringError(Diagnostic located) : Error(exit_code::bad_input, {std::move(located)}) {}
    // Several constructs at once (every one a target cannot express, so all are fixed in one go).
    explicit LoweringError(std::vector<Diagnostic> located) : Error(exit_code::bad_input, std::move(located)) {}
};

// A bug in xc (e.g. the solver and the concrete evaluator disagree): nothing is decided.
class InternalError : public Error {
public:
    explicit InternalError(std::string message)
        : Error(exit_code::undecided, "internal error (a bug in xc; please report it)", std::move(message)) {}
};

}  // namespace xc
