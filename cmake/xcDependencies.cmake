# Usage requirements of xc::xc, shared by the build tree and the installed package.
include(CMakeFindDependencyMacro)
find_dependency(Boost 1.74)                 # Boost.Graph is header-only
find_dependency(nlohmann_json 3.11)
# std::thread: verify() proves on several threads, xc emit writes large outputs from two.
find_dependency(Threads)
# Debian's Z3 ships pkg-config metadata but no CMake config.
find_dependency(PkgConfig)
if(NOT TARGET xc::z3)
  pkg_check_modules(XC_Z3 REQUIRED IMPORTED_TARGET GLOBAL z3>=4.8)
  add_library(xc::z3 ALIAS PkgConfig::XC_Z3)
endif()
# The Terraform and CloudFormation front ends (xc/input/terraform/, xc/input/cloudformation/) read
# YAML: xc::front_ends is xc::xc with yaml-cpp, for a target that includes them.
find_dependency(yaml-cpp)
