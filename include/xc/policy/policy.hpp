// Umbrella header for the IAM policy language: AST, parser, matching primitives, evaluator.
#pragma once

#include "xc/policy/allow_bound.hpp"
#include "xc/policy/arn.hpp"
#include "xc/policy/aws_managed_policies.hpp"
#include "xc/policy/condition.hpp"
#include "xc/policy/document.hpp"
#include "xc/policy/evaluate.hpp"
#include "xc/policy/glob.hpp"
#include "xc/policy/ip.hpp"
#include "xc/policy/parse.hpp"
#include "xc/policy/principal.hpp"
#include "xc/policy/request.hpp"
#include "xc/policy/scalar.hpp"
#include "xc/policy/variables.hpp"
