# cmake -P script: configure, build and test an SDK example out of tree, failing on any step.
# Inputs: SOURCE_DIR, BUILD_DIR, PATCHBAY_DIR, GENERATOR, CXX_COMPILER.
foreach(var SOURCE_DIR BUILD_DIR PATCHBAY_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_example.cmake: ${var} is not set")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

run_step("configure" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR} -G ${GENERATOR}
         -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Debug -DPatchbay_DIR=${PATCHBAY_DIR})
run_step("build" ${CMAKE_COMMAND} --build ${BUILD_DIR} -j2)
run_step("test" ${CMAKE_CTEST_COMMAND} --test-dir ${BUILD_DIR} --output-on-failure)
