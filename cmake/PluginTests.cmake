# patchbay_add_plugin_tests(<target> SOURCES <test sources>... LINK <libs>...)
#
# A built-in plugin's unit-test executable, the same way for every plugin:
#   - the whole target is test code (PATCHBAY_TEST_CODE_OPTIONS: -O0, no sanitizer), so the
#     plugin's own sources belong in its OBJECT "<plugin>_logic" library passed in LINK, compiled
#     once with the build's flags for both the plugin and its tests;
#   - a unity build: a few test files per translation unit, so the headers (GoogleTest, the
#     SDK's FakeHost, RapidJSON: most of what a test file parses) are parsed once per batch; no
#     precompiled header, which would parse them once more for a single translation unit;
#   - written to <build>/tests beside the other test executables;
#   - registered with ctest, discovered when the tests run (plugins/ is configured before
#     tests/, so discovery at build time would race the ctest registration of tests/).
include_guard(GLOBAL)

function(patchbay_add_plugin_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;LINK")
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(${target} ${ARG_SOURCES})
  target_compile_options(${target} PRIVATE ${PATCHBAY_TEST_CODE_OPTIONS})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE ${ARG_LINK} patchbay_sdk rapidjson GTest::gtest_main
                        Threads::Threads)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests
                                             UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST)
endfunction()
