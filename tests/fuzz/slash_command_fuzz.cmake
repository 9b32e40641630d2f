# The slash commands plugin's pure parsing sources.
set(slash_command_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command_request.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command_response.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/command_text.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/json_text.cpp
  ${CMAKE_SOURCE_DIR}/plugins/slash_commands/response_url.cpp)
set(slash_command_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
