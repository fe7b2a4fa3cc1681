// HCL native syntax (HashiCorp's hclsyntax): lexer, syntax tree with source ranges, parser,
// canonical expression printer. Stands alone: no Z3, Boost or model headers.
#pragma once

#include "xc/input/hcl/lexer.hpp"
#include "xc/input/hcl/parser.hpp"
#include "xc/input/hcl/print.hpp"
#include "xc/input/hcl/syntax.hpp"
