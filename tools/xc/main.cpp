// xc — the command-line shell over the xc library.
//
// Exit codes (the contract CI gates rely on; README "Exit codes", tested in tests/cli):
//   0  success: the model is valid (and, for verify, every property proved or suppressed)
//   1  findings: a property was violated
//   2  bad input or usage: malformed model or baseline, unknown option, unreadable or unwritable file
//   3  undecided: a property could not be decided (never silently a pass)
// With several models, verify exits with the worst: 2 beats 1 beats 3 beats 0.
// Diagnostics go to stderr, results to stdout (or --output).
#include "allocator.hpp"
#include "cloudformation_stacks.hpp"
#include "diff_command.hpp"
#include "emit_command.hpp"
#include "import_command.hpp"
#include "inputs.hpp"
#include "terraform_check.hpp"
#include "verify_command.hpp"

#include <xc/xc.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <set>
#include <vector>
#include <iostream>
#include <string>

namespace {

using xc::exit_code::bad_input;
using xc::exit_code::ok;
using xc::exit_code::undecided;

// Every xc::Error, the one place it is reported: its located diagnostics, else what failed.
void print(const xc::Error& e, const std::string& command) {
    for (const auto& d : e.diagnostics()) std::cerr << xc::to_string(d) << '\n';
    if (!e.diagnostics().empty()) return;
    // The message may quote the input (a file name): one printable line whatever it holds.
    std::cerr << "xc " << command << ": " << (e.context().empty() ? "" : e.context() + ": ") << xc::printable(e.what()) << '\n';
}

// One line per deployment read: what it holds (xc verify names the unresolved values).
int run_check(const std::vector<xc::cli::LoadedInput>& inputs) {
    for (const auto& in : inputs) {
        const auto& graph = *in.graph;
        const auto& m = graph.model();
        std::cout << in.label << ": ok: model '" << m.name << "' in " << m.region << ": " << m.accounts.size() << " accounts, " << m.services.size()
                  << " services, " << graph.private_apis().size() << " private APIs; graph of " << graph.vertex_count() << " resources and "
                  << graph.edge_count() << " relations";
        if (!m.unresolved.empty()) std::cout << "; unresolved values: " << m.unresolved.size() << " (xc verify names them)";
        std::cout << "\n";
    }
    return ok;
}

// CloudFormation templates and their stack options, taken out of the arguments of verify, check
// and graph before the command line is parsed (cloudformation_stacks.hpp).
std::vector<std::string> take_stacks(int& argc, char** argv, std::vector<std::string>& storage, std::vector<char*>& pointers) {
    if (argc < 3) return {};
    const std::string command = argv[1];
    static const std::map<std::string, std::set<std::string>> valued{
        {"verify", {"--format", "-o", "--output", "--baseline", "--properties", "--skip", "--timeout-ms", "--run-timeout-ms", "-j", "--jobs"}},
        {"check", {}},
        {"graph", {"--format"}},
        {"import", {"-o", "--output"}},
    };
    auto it = valued.find(command);
    if (it == valued.end()) return {};
    std::vector<std::string> args(argv + 2, argv + argc);
    auto stacks = xc::cli::take_stack_arguments(args, it->second);
    if (stacks.empty()) return {};
    storage = {argv[0], argv[1]};
    storage.insert(storage.end(), args.begin(), args.end());
    pointers.clear();
    for (auto& a : storage) pointers.push_back(a.data());
    argc = static_cast<int>(pointers.size());
    return stacks;
}

// -j, --jobs: how many threads a command may use, the same option wherever it is offered.
void add_jobs_option(CLI::App* command, unsigned& jobs, const std::string& help) {
    command->add_option("-j,--jobs", jobs, help)->check(CLI::Range(0u, 1024u))->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
    xc::cli::tune_allocator();
    CLI::App app{"xc: prove that only your consumer's endpoint traffic reaches your private APIs.\n"
                 "Exit codes: 0 ok, 1 findings, 2 bad input or usage, 3 undecided."};
    app.set_version_flag("--version", std::string("xc ") + xc::version);
    app.require_subcommand(1);

    // "--" ends the options of verify, check and graph: what follows are inputs (models, roots,
    // templates) even if they start with "-". CLI11 leaves nothing after it to remaining(), so
    // it is taken out here and given back after parsing.
    std::vector<std::string> after_dashes;
    if (argc > 2 && (std::string(argv[1]) == "verify" || std::string(argv[1]) == "check" || std::string(argv[1]) == "graph" ||
                     std::string(argv[1]) == "import"))
        for (int i = 2; i < argc; ++i)
            if (std::string(argv[i]) == "--") {
                after_dashes.assign(argv + i + 1, argv + argc);
                argc = i;
                break;
            }
    auto with_after_dashes = [&](std::vector<std::string> args) {
        args.insert(args.end(), after_dashes.begin(), after_dashes.end());
        return args;
    };
    std::vector<std::string> stack_args, argument_storage;
    std::vector<char*> argument_pointers;
    try {
        stack_args = take_stacks(argc, argv, argument_storage, argument_pointers);
    } catch (const xc::Error& e) {
        print(e, argc > 1 ? argv[1] : "xc");
        return e.exit_code();
    }
    if (!stack_args.empty()) argv = argument_pointers.data();

    auto* check = app.add_subcommand("check", "Load a model and run the structural checks (types, names, references, "
                                              "CIDRs, ARNs, limits); or read Terraform root directories as one deployment:\n"
                                              "  xc check MODEL\n"
                                              "  xc check [ROOT-OPTIONS] DIR [ROOT-OPTIONS] [DIR [ROOT-OPTIONS] ...]\n"
                                              "ROOT-OPTIONS (after a DIR: that root; before the first DIR: every root):\n"
                                              "  --var NAME=VALUE, --var-file FILE (in Terraform's order), --account ID, --region NAME\n"
                                              "  (the account and region where the provider configuration does not say)\n"
                                              "  xc check [STACK-OPTIONS] TEMPLATE [STACK-OPTIONS] [TEMPLATE [STACK-OPTIONS] ...]\n"
                                              "STACK-OPTIONS (CloudFormation/SAM templates, JSON or YAML; README \"Verify CloudFormation and SAM\"):\n"
                                              "  --account ID, --region NAME, --stack-name NAME, --consumer (the consumer's stack),\n"
                                              "  --parameter-overrides KEY=VALUE ... | file://FILE (as aws cloudformation deploy takes them)");
    check->allow_extras();

    std::string format = "dot";
    auto* graph = app.add_subcommand("graph", "Print the model's architecture graph (accounts as clusters):\n"
                                              "  xc graph MODEL\n"
                                              "  xc graph [ROOT-OPTIONS] DIR [ROOT-OPTIONS] [DIR ...]   (Terraform roots read as one deployment)\n"
                                              "  xc graph [STACK-OPTIONS] TEMPLATE [STACK-OPTIONS] [TEMPLATE ...]   (CloudFormation stacks)");
    graph->allow_extras();  // MODEL, Terraform root directories or CloudFormation templates with their options
    graph->add_option("--format", format, "Output format")->check(CLI::IsMember({"dot", "mermaid"}))->capture_default_str();

    xc::cli::VerifyRequest verify_request;
    std::string property_list;
    for (const auto& p : xc::verify::properties) property_list += "\n  " + std::string(p.id) + ": " + std::string(p.title);
    auto* verify = app.add_subcommand(
        "verify", "Prove the models' properties, or show a counterexample for each violation.\n"
                  "  xc verify [OPTIONS] MODEL... [ROOT-OPTIONS] DIR [ROOT-OPTIONS] [DIR ...]\n"
                  "Terraform root directories are read together as one deployment (ROOT-OPTIONS: see xc check --help).\n"
                  "Several models make one report; the exit code is the worst over them.\n"
                  "Properties:" + property_list);
    // Model files and Terraform root directories with their ROOT-OPTIONS, in order (README
    // "Verify existing Terraform"): taken from what CLI11 leaves over; CloudFormation templates
    // with their STACK-OPTIONS were taken out before parsing (take_stacks).
    verify->allow_extras();
    verify->add_option("--format", verify_request.format, "Output format: text for people, json (xcReport 2), sarif (SARIF 2.1.0)")
        ->check(CLI::IsMember(xc::cli::verify_formats()))
        ->capture_default_str();
    auto* report_file = verify->add_option("-o,--output", verify_request.output,
                                           "Write the report to FILE (atomically; nothing is written on bad input) instead of stdout");
    verify->add_option("--baseline", verify_request.baseline,
                       "Accept the findings this baseline file suppresses (each with a reason); unused suppressions are warned about");
    verify->add_option("--properties", verify_request.only, "Check only these properties (comma-separated ids)")->delimiter(',');
    verify->add_option("--skip", verify_request.skip, "Do not check these properties (comma-separated ids)")->delimiter(',');
    verify->add_option("--timeout-ms", verify_request.timeout_ms,
                       "Time one query (one property on one subject) may take; exceeding it is UNDECIDED (exit 3)")
        ->capture_default_str();
    verify->add_option("--run-timeout-ms", verify_request.run_timeout_ms,
                       "Time the whole run may take; the checks left are UNDECIDED (exit 3)")
        ->capture_default_str();
    add_jobs_option(verify, verify_request.jobs, "Threads to load and prove with (0: one per core); the report is the same for any number");

    xc::cli::DiffRequest diff_request;
    std::string diff_list;
    for (const auto& c : xc::verify::diff_checks) diff_list += "\n  " + std::string(c.id) + ": " + std::string(c.title);
    auto* diff = app.add_subcommand(
        "diff", "Prove that NEW grants no access OLD did not (a pull request's head against its base), or show the request it lets in.\n"
                "  xc diff [OPTIONS] OLD NEW                  (each a model file, a Terraform root directory or a template)\n"
                "  xc diff [OPTIONS] --old INPUT... --new INPUT...   (each side's inputs with their ROOT- or STACK-OPTIONS,\n"
                "                                             as xc verify takes them: see xc check --help)\n"
                "Exit 1 on new access, 3 when a comparison is undecided; removed access is information.\n"
                "Checks:" + diff_list);
    // OLD and NEW, each one input, or each side's inputs after --old and --new (diff_command.hpp).
    diff->allow_extras();
    diff->add_option("--format", diff_request.format, "Output format: text for people, json (xcDiff 1), sarif (SARIF 2.1.0, at NEW's lines)")
        ->check(CLI::IsMember(xc::cli::verify_formats()))
        ->capture_default_str();
    auto* diff_file = diff->add_option("-o,--output", diff_request.output,
                                       "Write the report to FILE (atomically; nothing is written on bad input) instead of stdout");
    diff->add_option("--checks", diff_request.only, "Run only these diff checks (comma-separated ids)")->delimiter(',');
    diff->add_option("--skip", diff_request.skip, "Do not run these diff checks (comma-separated ids)")->delimiter(',');
    diff->add_option("--timeout-ms", diff_request.timeout_ms,
                     "Time one comparison (one check on one subject) may take; exceeding it is UNDECIDED (exit 3)")
        ->capture_default_str();
    diff->add_option("--run-timeout-ms", diff_request.run_timeout_ms,
                     "Time the whole run may take; the comparisons left are UNDECIDED (exit 3)")
        ->capture_default_str();

    xc::cli::EmitRequest emit_request;
    auto* emit = app.add_subcommand("emit", "Lower a verified model to deployable files, written all-or-nothing into DIR.\n"
                                            "Verifies first and refuses (exit 1, findings on stderr) unless every property is proved.\n" +
                                                xc::cli::emit_targets_help());
    emit->add_option("model", emit_request.model_file, "The model file (JSON)")->required();
    emit->add_option("--target", emit_request.target, "What to emit")
        ->check(CLI::IsMember(xc::cli::emit_target_names()))
        ->capture_default_str();
    emit->add_option("-o,--output", emit_request.out_dir, "Output directory: new, empty, or an earlier output of xc (its .xc-output lists xc's files; they are replaced, all else is kept)")->required();
    emit->add_flag("--allow-unverified", emit_request.allow_unverified,
                   "Emit even if verification fails; stamps a warning into every file");
    add_jobs_option(emit, emit_request.jobs, "Threads to load, prove and lower with (0: one per core); the output is the same for any number");

    // xc import: the inputs verify takes, written as one model file (import_command.hpp).
    std::string import_output;
    auto* import = app.add_subcommand("import", "Write the model (our JSON format) that Terraform roots or CloudFormation stacks yield:\n"
                                                "  xc import [-o FILE] [ROOT-OPTIONS] DIR [ROOT-OPTIONS] [DIR ...]   (ROOT-OPTIONS: see xc check --help)\n"
                                                "  xc import [-o FILE] [STACK-OPTIONS] TEMPLATE [STACK-OPTIONS] [TEMPLATE ...]\n"
                                                "  xc import [-o FILE] MODEL   (a model file, written with its templates expanded)\n"
                                                "Exit 2, nothing written, when the input holds what the format cannot say (unresolved values).");
    import->allow_extras();
    auto* import_file = import->add_option("-o,--output", import_output,
                                           "Write the model to FILE (atomically; nothing is written on bad input) instead of stdout");

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return bad_input;
    }

    const std::string command = app.get_subcommands().front()->get_name();
    try {
        if (*check) {
            const auto inputs = xc::cli::sort_inputs(with_after_dashes(check->remaining()), stack_args);
            // Terraform roots: a line per root, with where its instances are placed.
            if (!inputs.terraform.empty() && inputs.model_files.empty() && inputs.stacks.empty()) return xc::cli::run_check_terraform(inputs.terraform);
            return run_check(xc::cli::load_inputs(inputs));
        }
        if (*graph) {
            const auto input = xc::cli::load_one_input(xc::cli::sort_inputs(with_after_dashes(graph->remaining()), stack_args), "xc graph's input");
            std::cout << (format == "dot" ? xc::model::to_dot(*input.graph) : xc::model::to_mermaid(*input.graph));
            return ok;
        }
        if (*emit) return xc::cli::run_emit(emit_request);
        if (*import) {
            if (import_file->count() > 0 && import_output.empty())
                throw xc::OutputError("the model file is an empty path (omit -o to write to stdout)");
            const auto input = xc::cli::load_one_input(xc::cli::sort_inputs(with_after_dashes(import->remaining()), stack_args), "xc import's input");
            if (!input.not_modelled.empty())
                std::cerr << "xc import: note: " << input.not_modelled.size() << " resources xc does not model are not in the model (xc verify lists them)\n";
            return xc::cli::run_import(input.graph->model(), input.label, import_output);
        }
        // `-o ''` names no file; it must not quietly mean standard output.
        if (*verify && report_file->count() > 0 && verify_request.output.empty())
            throw xc::OutputError("the report file is an empty path (omit -o to write to stdout)");
        if (*verify) {
            verify_request.stack_args = stack_args;
            verify_request.inputs = with_after_dashes(verify->remaining());
            return xc::cli::run_verify(verify_request);
        }
        if (*diff && diff_file->count() > 0 && diff_request.output.empty())
            throw xc::OutputError("the report file is an empty path (omit -o to write to stdout)");
        if (*diff) {
            diff_request.arguments = diff->remaining();
            return xc::cli::run_diff(diff_request);
        }
    } catch (const xc::Error& e) {
        print(e, command);
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "xc: internal error: " << xc::printable(e.what()) << "\n";
        return undecided;
    }
    return bad_input;
}
