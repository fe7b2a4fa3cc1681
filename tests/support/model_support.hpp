// Loading models into graphs in tests.
#pragma once

#include <xc/model/graph.hpp>
#include <xc/input/json/load.hpp>

#include <filesystem>
#include <string>

namespace xc::test {

inline model::Graph graph_of_text(const std::string& text, std::string file = "model.json") {
    return model::build_graph(input::json::load_model_text(text, std::move(file)));
}

inline model::Graph graph_of_file(const std::filesystem::path& p) { return model::build_graph(input::json::load_model_file(p.string())); }

}  // namespace xc::test
