// Where a value of the model was written, whatever format it was read from.
//
// Every model object keeps `path`: its place in the model, as a JSON Pointer over the model's
// own structure ("/services/food/lambdas/get-order"). A front end knows how that place maps to
// its source: a file, line:column and a path in the source's own terms (a JSON Pointer for our
// JSON format, where a templated service's members may have been written in a template; a
// Terraform address or a CloudFormation logical id for other formats). It hands the model an
// implementation of this interface; diagnostics and findings ask it.
#pragma once

#include <xc/diagnostic.hpp>

#include <string_view>

namespace xc::model {

class SourceLocator {
public:
    virtual ~SourceLocator() = default;
    // The location of the model value at `path`; for a path to no written value (a missing
    // member), the location of its nearest written ancestor. Called from several threads at once
    // (verify::locate): an implementation only reads.
    virtual Location locate(std::string_view path) const = 0;
};

}  // namespace xc::model
