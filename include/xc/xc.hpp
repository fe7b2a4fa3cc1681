// xc: prove that only the consumer's endpoint traffic reaches each private API.
// The umbrella header: everything a tool built on xc needs.
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/input/json/load.hpp>
#include <xc/model/check.hpp>
#include <xc/model/graph.hpp>
#include <xc/model/graph_render.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/verify/verify.hpp>
#include <xc/version.hpp>
