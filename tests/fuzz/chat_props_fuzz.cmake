# The props check alone (core/chat/json_object.cpp: the SDK's scanner and RapidJSON's reader).
set(chat_props_fuzz_EXTRA_SOURCES ${CMAKE_SOURCE_DIR}/core/chat/json_object.cpp)
set(chat_props_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
