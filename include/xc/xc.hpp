// xc: prove that only the consumer's endpoint traffic reaches each private API.
// The umbrella header: everything a tool built on xc needs.
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/model/graph.hpp>
#include <xc/model/graph_render.hpp>
#include <xc/model/load.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/verify/verify.hpp>
#include <xc/version.hpp>
