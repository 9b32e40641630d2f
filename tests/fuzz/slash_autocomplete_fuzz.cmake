# The slash commands plugin's pure autocomplete sources.
set(slash_autocomplete_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/autocomplete_data.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/autocomplete_suggestions.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command_request.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/dynamic_list.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/json_text.cpp)
set(slash_autocomplete_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
