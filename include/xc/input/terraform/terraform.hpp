// The Terraform language's values and expression evaluation on the HCL tree: values and types
// (cty), type constraints and conversion, built-in functions, the evaluator. Stands alone: no
// Z3 or model headers.
#pragma once

#include "xc/input/terraform/convert.hpp"
#include "xc/input/terraform/eval.hpp"
#include "xc/input/terraform/functions.hpp"
#include "xc/input/terraform/value.hpp"
