// xc — the command-line shell over the xc library.
//
// Exit codes (the contract CI gates rely on):
//   0  success: the model is valid (and, for verify, every property proved)
//   1  findings: a property was violated
//   2  bad input or usage: malformed model, unknown option, unreadable file
//   3  undecided: a property could not be decided (never silently a pass)
// Diagnostics go to stderr, results to stdout.
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
    } catch (const xc::InputError& e) {
        print(e);
        return bad_input;
    } catch (const std::exception& e) {
        std::cerr << "xc: internal error: " << e.what() << "\n";
        return undecided;
    }
    return bad_input;
}
