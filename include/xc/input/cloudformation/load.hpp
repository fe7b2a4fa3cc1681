// `xc verify` / `check` / `graph` on CloudFormation templates: read the stacks' templates, apply
// the transforms (SAM), evaluate them together and map them into the model, which is checked as
// every model is (model::check). Errors are InputError, located at file:line:column with the
// template path (logical id), nothing partial.
#pragma once

#include <xc/input/cloudformation/evaluate.hpp>
#include <xc/input/cloudformation/sam.hpp>
#include <xc/input/cloudformation/template_source.hpp>
#include <xc/input/cloudformation/to_model.hpp>
#include <xc/model/check.hpp>

#include <memory>
#include <string>
#include <vector>

namespace xc::input::cloudformation {

struct Loaded {
    model::Model model;
    std::vector<std::string> not_modelled;
};

// The model of stacks whose templates are already parsed.
inline Loaded load_stacks(std::vector<StackInput> stacks, std::vector<std::shared_ptr<const TemplateSource>> sources,
                          std::string model_name = "stacks") {
    Evaluation ev = evaluate(std::move(stacks), std::move(sources), [](const TemplateSource& t) { return expand(t); });
    Mapped mapped = to_model(ev, std::move(model_name));
    model::check(mapped.model);
    return Loaded{std::move(mapped.model), std::move(mapped.not_modelled)};
}

// The model of the stacks' template files.
inline Loaded load_stack_files(std::vector<StackInput> stacks, std::string model_name = "stacks") {
    std::vector<std::shared_ptr<const TemplateSource>> sources;
    std::vector<Diagnostic> errors;
    for (const auto& s : stacks) {
        try {
            sources.push_back(std::make_shared<const TemplateSource>(load_template_file(s.file)));
        } catch (const InputError& e) {
            errors.insert(errors.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    if (!errors.empty()) throw InputError(std::move(errors));
    return load_stacks(std::move(stacks), std::move(sources), std::move(model_name));
}

}  // namespace xc::input::cloudformation
