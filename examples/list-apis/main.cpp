// Lists the private APIs of a model and the consumer endpoints each admits.
//   list-apis MODEL
#include <xc/xc.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: list-apis MODEL\n";
        return 2;
    }
    try {
        auto graph = xc::model::build_graph(xc::input::json::load_model_file(argv[1]));
        for (auto api : graph.private_apis()) {
            std::cout << graph[api].scope << "/" << graph.resource<xc::model::RestApi>(api).name << " ("
                      << graph[api].account << ") admits";
            for (auto endpoint : graph.endpoints_of(api))
                std::cout << ' ' << graph.resource<xc::model::VpcEndpoint>(endpoint).id;
            std::cout << '\n';
        }
    } catch (const xc::Error& e) {  // every error xc throws, with the exit code it means
        std::cerr << e.what() << '\n';
        return e.exit_code();
    }
}
