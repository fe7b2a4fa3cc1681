# cmake -P script: install, build the example against the install, run it, check its output.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${XC_BUILD_DIR} --prefix ${prefix})
if(NOT EXISTS ${prefix}/lib/cmake/xc/xcConfig.cmake OR NOT EXISTS ${prefix}/include/xc/xc.hpp)
  message(FATAL_ERROR "the install lacks xcConfig.cmake or the headers")
endif()
# Only the installed package may be found: no hint at the source or build tree.
run(${CMAKE_COMMAND} -S ${XC_SOURCE_DIR}/examples/list-apis -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/list-apis ${prefix}/share/xc/models/cross-account-microservices.json)
set(expected "beverage/orders (beverage) admits vpce-0a1b2c3d4e5f60718\nfood/orders (food) admits vpce-0a1b2c3d4e5f60718\n")
if(NOT last_output STREQUAL expected)
  message(FATAL_ERROR "unexpected output:\n${last_output}\nexpected:\n${expected}")
endif()
message(STATUS "installed example ok:\n${last_output}")
