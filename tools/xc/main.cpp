// xc — the command-line shell over the xc library.
//
// Exit codes (the contract CI gates rely on):
//   0  success: the model is valid (and, for verify, every property proved)
//   1  findings: a property was violated
//   2  bad input or usage: malformed model, unknown option, unreadable file
//   3  undecided: a property could not be decided (never silently a pass)
// Diagnostics go to stderr, results to stdout.
#include <xc/emit/file_set.hpp>
#include <xc/emit/lambda.hpp>
#include <xc/emit/terraform.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/xc.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>

namespace {

enum ExitCode { ok = 0, findings = 1, bad_input = 2, undecided = 3 };

void print(const xc::InputError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << xc::to_string(d) << '\n';
}

int run_check(const std::string& file) {
    auto graph = xc::model::build_graph(xc::model::load_model_file(file));
    const auto& m = graph.model();
    std::cout << file << ": ok: model '" << m.name << "' in " << m.region << ": " << m.accounts.size() << " accounts, "
              << m.services.size() << " services, " << graph.private_apis().size() << " private APIs; graph of "
              << graph.vertex_count() << " resources and " << graph.edge_count() << " relations\n";
    return ok;
}

int run_graph(const std::string& file, const std::string& format) {
    auto graph = xc::model::build_graph(xc::model::load_model_file(file));
    std::cout << (format == "dot" ? xc::model::to_dot(graph) : xc::model::to_mermaid(graph));
    return ok;
}

int run_verify(const std::string& file, const std::string& format, const xc::verify::VerifyOptions& options) {
    auto graph = xc::model::build_graph(xc::model::load_model_file(file));
    auto report = xc::verify::verify(graph, options);
    if (format == "json") std::cout << xc::verify::to_json(report, file).dump(2) << '\n';
    else std::cout << xc::verify::to_text(report, file);
    return report.exit_code();
}

struct EmitRequest {
    std::string model_file;
    std::string target = "terraform";
    std::string out_dir;
    bool allow_unverified = false;
};

// Emission refuses a model that is not verified: the deployment is what was proved.
int run_emit(const EmitRequest& request) {
    auto graph = xc::model::build_graph(xc::model::load_model_file(request.model_file));
    auto report = xc::verify::verify(graph);
    const bool verified = report.exit_code() == 0;
    if (!verified && !request.allow_unverified) {
        std::cerr << xc::verify::to_text(report, request.model_file)
                  << "xc emit: refusing to emit an unverified model (use --allow-unverified to emit anyway)\n";
        return report.exit_code();
    }
    if (!verified) std::cerr << "xc emit: warning: emitting an unverified model (--allow-unverified)\n";
    xc::emit::FileSet files;
    if (request.target == "terraform") {
        xc::emit::TerraformOptions options;
        options.unverified_warning = !verified;
        files = xc::emit::emit_terraform(graph, options);
    } else if (request.target == "lambda") {
        files = xc::emit::emit_lambda(graph);
    }
    xc::emit::write_atomically(files, request.out_dir);
    std::cout << "wrote " << files.size() << " files to " << request.out_dir << '\n';
    return ok;
}

// Property ids given to --properties / --skip must exist.
std::string check_property_ids(const std::vector<std::string>& ids) {
    for (const auto& id : ids)
        if (!xc::verify::is_property(id)) {
            std::vector<std::string> known;
            for (const auto& p : xc::verify::properties) known.emplace_back(p.id);
            std::string hint = xc::did_you_mean(id, known);
            return "unknown property '" + id + "'" + (hint.empty() ? "" : " (" + hint + ")");
        }
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"xc: prove that only your consumer's endpoint traffic reaches your private APIs.\n"
                 "Exit codes: 0 ok, 1 findings, 2 bad input or usage, 3 undecided."};
    app.set_version_flag("--version", std::string("xc ") + xc::version);
    app.require_subcommand(1);

    std::string model_file;
    auto* check = app.add_subcommand("check", "Load a model and run the structural checks (types, names, references, "
                                              "CIDRs, ARNs, limits).");
    check->add_option("model", model_file, "The model file (JSON)")->required();

    std::string format = "dot";
    auto* graph = app.add_subcommand("graph", "Print the model's architecture graph (accounts as clusters).");
    graph->add_option("model", model_file, "The model file (JSON)")->required();
    graph->add_option("--format", format, "Output format")->check(CLI::IsMember({"dot", "mermaid"}))->capture_default_str();

    std::string verify_format = "text";
    std::vector<std::string> only, skip;
    unsigned timeout_ms = 10000;
    std::string property_list;
    for (const auto& p : xc::verify::properties) property_list += "\n  " + std::string(p.id) + ": " + std::string(p.title);
    auto* verify = app.add_subcommand("verify", "Prove the model's properties, or show a counterexample for each violation.\n"
                                                "Properties:" + property_list);
    verify->add_option("model", model_file, "The model file (JSON)")->required();
    verify->add_option("--format", verify_format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    verify->add_option("--properties", only, "Check only these properties (comma-separated ids)")->delimiter(',');
    verify->add_option("--skip", skip, "Do not check these properties (comma-separated ids)")->delimiter(',');
    verify->add_option("--timeout-ms", timeout_ms, "Per-query solver timeout; exceeding it is UNDECIDED (exit 3)")->capture_default_str();

    EmitRequest emit_request;
    auto* emit = app.add_subcommand("emit", "Lower a verified model to deployable files, written all-or-nothing into DIR.\n"
                                            "Verifies first and refuses (exit 1, findings on stderr) unless every property is proved.\n"
                                            "  terraform: one root module per account, DIR/README.md gives the apply order\n"
                                            "  lambda:    one standalone C++ CMake project per service; building it leaves\n"
                                            "             DIR/<service>/dist/<function>.zip, where the Terraform roots look by default\n"
                                            "             when emitted to a sibling directory (e.g. out/terraform and out/lambda)");
    emit->add_option("model", emit_request.model_file, "The model file (JSON)")->required();
    emit->add_option("--target", emit_request.target, "What to emit")->check(CLI::IsMember({"terraform", "lambda"}))->capture_default_str();
    emit->add_option("-o,--output", emit_request.out_dir, "Output directory (replaced as a whole on success)")->required();
    emit->add_flag("--allow-unverified", emit_request.allow_unverified,
                   "Emit even if verification fails; stamps a warning into every file");

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return bad_input;
    }

    try {
        if (*check) return run_check(model_file);
        if (*graph) return run_graph(model_file, format);
        if (*emit) return run_emit(emit_request);
        if (*verify) {
            for (const auto* ids : {&only, &skip})
                if (auto error = check_property_ids(*ids); !error.empty()) {
                    std::cerr << "xc verify: " << error << "\n";
                    return bad_input;
                }
            xc::verify::VerifyOptions options;
            options.only = {only.begin(), only.end()};
            options.skip = {skip.begin(), skip.end()};
            options.timeout_ms = timeout_ms;
            return run_verify(model_file, verify_format, options);
        }
    } catch (const xc::InputError& e) {
        print(e);
        return bad_input;
    } catch (const xc::emit::lowering::LoweringError& e) {
        std::cerr << "xc emit: " << e.what() << "\n";
        return bad_input;
    } catch (const xc::emit::OutputError& e) {
        std::cerr << "xc emit: cannot write the output: " << e.what() << "\n";
        return bad_input;
    } catch (const xc::verify::InternalError& e) {
        std::cerr << "xc: internal error (a bug in xc; please report it): " << e.what() << "\n";
        return undecided;
    } catch (const std::exception& e) {
        std::cerr << "xc: internal error: " << e.what() << "\n";
        return undecided;
    }
    return bad_input;
}
