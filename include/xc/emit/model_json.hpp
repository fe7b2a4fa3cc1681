// A lowering of the model to our JSON model format: the inverse of input/json/load.hpp, so that
// `xc import` can turn what Terraform roots or CloudFormation stacks yield into a model file.
//
// Loading the text gives back a model that builds the same graph (same names, ids, policies,
// references) and so the same verdicts; writing that model again gives the same bytes. Keys
// come in the reader's order, collections by name; fields at the reader's default are left out.
// Services are written concretely (a template's stamping is not re-created).
//
// What the format cannot say is refused, never dropped: a model with `unresolved` items (the
// front end's placeholders would read as facts and could turn UNDECIDED into PROVED) and alias
// records whose name is no single label of their zone. The LoweringError lists every such
// item, located where the front end read it.
#pragma once

#include <xc/emit/detail/model_json_writer.hpp>
#include <xc/error.hpp>
#include <xc/model/model.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace xc::emit {

// The model as a JSON document of our format (keys in a fixed order).
inline nlohmann::ordered_json model_json_document(const model::Model& m) {
    detail::ModelJsonWriter writer(m);
    return writer.document();
}

// The model as the text of a model file: two-space indentation, a final newline.
inline std::string model_json(const model::Model& m) { return model_json_document(m).dump(2) + "\n"; }

}  // namespace xc::emit
