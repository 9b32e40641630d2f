# The slash commands plugin's pure sources for plugin commands.
set(slash_plugin_command_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/autocomplete_data.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/autocomplete_suggestions.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command_request.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command_response.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/json_text.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/mentions.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/plugin_commands.cpp)
set(slash_plugin_command_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
