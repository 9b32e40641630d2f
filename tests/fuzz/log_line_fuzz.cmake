# The log line formatter is compiled in (pb_log links spdlog, which a fuzz target does not need).
set(log_line_fuzz_EXTRA_SOURCES ${CMAKE_SOURCE_DIR}/core/log/json_line.cpp)
set(log_line_fuzz_EXTRA_LIBS rapidjson)
