// Where each value of a loaded model was written: logical JSON Pointers (after template
// expansion) to file, line and column — for diagnostics and for findings (SARIF locations).
#pragma once

#include <xc/model/json_source.hpp>
#include <xc/model/template.hpp>

#include <memory>
#include <string>
#include <vector>

namespace xc::model {

// A service stamped from a template: where its own members and its template's are.
struct ServiceSource {
    std::string pointer;  // "/services/<name>"
    const nlohmann::json* raw = nullptr;
    std::string template_pointer;
    const nlohmann::json* template_raw = nullptr;
    TemplateParameters params;
};

class SourceMap {
public:
    SourceMap(std::shared_ptr<const JsonSource> source, std::vector<ServiceSource> services)
        : source_(std::move(source)), services_(std::move(services)) {}

    const std::string& file() const { return source_->file(); }

    // The pointer into the file where the value at logical pointer `logical` was written.
    std::string source_pointer(const std::string& logical) const {
        for (const auto& s : services_)
            if (logical == s.pointer || logical.rfind(s.pointer + "/", 0) == 0)
                return model::source_pointer(logical, s.pointer, *s.raw, s.template_pointer, s.template_raw, s.params);
        return logical;
    }

    SourcePosition position(const std::string& logical) const { return source_->position(source_pointer(logical)); }

private:
    std::shared_ptr<const JsonSource> source_;  // owns the JSON the services point into
    std::vector<ServiceSource> services_;
};

}  // namespace xc::model
