// The Terraform language: values and types (cty), type constraints and conversion, built-in
// functions, the evaluator over the HCL tree, and whole configurations (modules, variables,
// providers, resource instances), and several roots read as one deployment. Stands alone: no Z3 or model headers.
#pragma once

#include "xc/input/terraform/configuration.hpp"
#include "xc/input/terraform/convert.hpp"
#include "xc/input/terraform/eval.hpp"
#include "xc/input/terraform/functions.hpp"
#include "xc/input/terraform/link.hpp"
#include "xc/input/terraform/module_config.hpp"
#include "xc/input/terraform/placement.hpp"
#include "xc/input/terraform/policy_document.hpp"
#include "xc/input/terraform/value.hpp"
#include "xc/input/terraform/variable_values.hpp"
