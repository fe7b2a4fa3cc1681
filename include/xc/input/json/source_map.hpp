// Where each value of a model read from JSON was written: the JSON front end's SourceLocator.
//
// Model paths are JSON Pointers over the template-expanded model; a templated service's
// members may have been written in its template or its parameters. The location's path stays
// the model path (what diagnostics print); its line:column is where the value was written.
#pragma once

#include <xc/input/json/json_source.hpp>
#include <xc/input/json/template.hpp>
#include <xc/model/source_locator.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace xc::input::json {

// A service stamped from a template: where its own members and its template's are.
struct ServiceSource {
    std::string pointer;  // "/services/<name>"
    const nlohmann::json* raw = nullptr;
    std::string template_pointer;
    const nlohmann::json* template_raw = nullptr;
    TemplateParameters params;
};

class SourceMap final : public model::SourceLocator {
public:
    SourceMap(std::shared_ptr<const JsonSource> source, std::vector<ServiceSource> services) : source_(std::move(source)) {
        for (auto& s : services) {
            std::string pointer = s.pointer;
            services_.emplace(std::move(pointer), std::move(s));
        }
    }

    const std::string& file() const { return source_->file(); }

    // The pointer into the file where the value at logical pointer `logical` was written.
    std::string source_pointer(std::string_view logical) const {
        // "/services/<name>" is the service's pointer (the name escaped as in every path).
        constexpr std::string_view services = "/services/";
        if (logical.substr(0, services.size()) != services) return std::string(logical);
        const auto end = logical.find('/', services.size());
        auto it = services_.find(logical.substr(0, end));
        if (it == services_.end()) return std::string(logical);
        const ServiceSource& s = it->second;
        return input::json::source_pointer(logical, s.pointer, *s.raw, s.template_pointer, s.template_raw, s.params);
    }

    SourcePosition position(std::string_view logical) const { return source_->position(source_pointer(logical)); }

    Location locate(std::string_view path) const override {
        return Location{source_->file(), position(path), std::string(path)};
    }

private:
    std::shared_ptr<const JsonSource> source_;  // owns the JSON the services point into
    std::map<std::string, ServiceSource, std::less<>> services_;  // by pointer
};

}  // namespace xc::input::json
