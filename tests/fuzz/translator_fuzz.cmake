# The translators engine is host-free: its sources are compiled into the fuzz target.
set(translator_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/translators/json_pointer.cpp
  ${CMAKE_SOURCE_DIR}/plugins/translators/json_text.cpp
  ${CMAKE_SOURCE_DIR}/plugins/translators/post_template.cpp
  ${CMAKE_SOURCE_DIR}/plugins/translators/registry.cpp
  ${CMAKE_SOURCE_DIR}/plugins/translators/template.cpp
  ${CMAKE_SOURCE_DIR}/plugins/translators/translate_request.cpp
  ${CMAKE_SOURCE_DIR}/plugins/translators/translator.cpp)
set(translator_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
