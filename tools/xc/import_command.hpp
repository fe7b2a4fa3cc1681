// xc import INPUT... [-o FILE]: the model (our JSON format) that Terraform roots or
// CloudFormation stacks yield, for users who move to model-first.
//
// The text is written only after it has been read back by the model reader: what the reader
// would refuse, and what the format cannot say (emit/model_json.hpp: unresolved values, alias
// records that are no label of their zone), is exit 2 with every item located in the input —
// nothing is written, on stdout or in FILE.
#pragma once

#include "output_file.hpp"

#include <xc/emit/model_json.hpp>
#include <xc/error.hpp>
#include <xc/input/json/load.hpp>
#include <xc/model/model.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace xc::cli {

// The model file's text for `m`, read back before it is given out.
inline std::string imported_model_text(const model::Model& m) {
    std::string text = emit::model_json(m);
    try {
        (void)input::json::load_model_text(text, "<imported model>");
    } catch (const InputError& e) {
        // The writer's paths are the model's paths: locate each in the input it came from.
        std::vector<Diagnostic> located;
        for (const auto& d : e.diagnostics())
            located.push_back(m.located(Diagnostic{{}, d.path, {}, "cannot be written as a model: " + d.message, d.hint}));
        throw LoweringError(std::move(located));
    }
    return text;
}

// Write the model `label` names to `output` (atomically, output_file.hpp), or stdout when empty.
inline int run_import(const model::Model& m, const std::string& label, const std::string& output) {
    const std::string text = imported_model_text(m);
    if (output.empty()) {
        std::cout << text;
        return exit_code::ok;
    }
    write_output_file(output, text);
    std::cerr << "xc import: " << output << ": model '" << m.name << "' from " << label << ": " << m.accounts.size() << " accounts, "
              << m.services.size() << " services\n";
    return exit_code::ok;
}

}  // namespace xc::cli
