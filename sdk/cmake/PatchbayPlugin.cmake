# patchbay_add_plugin(<target> ID <id> MANIFEST <plugin.json> SOURCES <src>...
#                     [OUTPUT_DIR <dir>] [LINK <libs>...] [NO_INSTALL])
#
# Builds a patchbay plugin exactly as the host expects to load it:
#   - a MODULE library (never linked against, only dlopen'ed), C++20;
#   - hidden visibility and a version script, so pb_plugin_entry is the ONLY exported symbol;
#   - -Wl,--no-undefined, so a plugin that needs a host symbol fails to link here instead of
#     failing to load in production (plugins reach the host only through pb_host_api);
#   - written to <dir>/<id>/lib<id>.so with the manifest copied beside it, which is the folder
#     layout the host's discovery scans. <dir> defaults to ${PATCHBAY_PLUGIN_OUTPUT_DIR} when set
#     (the in-tree build sets it to <build>/plugins), else ${CMAKE_BINARY_DIR}/plugins;
#   - installed to <prefix>/plugins/<id>/ (unless NO_INSTALL: test-only plugins); the target is
#     then listed in the global property PATCHBAY_INSTALLED_PLUGIN_TARGETS.
# The manifest's id must equal ID (checked at configure time when the manifest is readable).
#
# Static linking (built-ins only, PATCHBAY_PLUGIN_<NAME>=STATIC): when the variable
# PATCHBAY_PLUGIN_LINKAGE is STATIC at the call, the plugin becomes a STATIC library instead, its
# PB_PLUGIN entry point is renamed pb_plugin_entry_<id as a C identifier> (so several can live in
# one binary), the manifest is still copied to <dir>/<id>/ (settings are validated from it), and
# the target is recorded for patchbay_static_plugin_table().
include_guard(GLOBAL)

set(_PATCHBAY_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(patchbay_add_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_INSTALL" "ID;MANIFEST;OUTPUT_DIR" "SOURCES;LINK")
  if(NOT ARG_ID)
    message(FATAL_ERROR "patchbay_add_plugin(${target}): ID is required")
  endif()
  if(NOT ARG_ID MATCHES "^[a-z0-9][a-z0-9._-]*$")
    message(FATAL_ERROR "patchbay_add_plugin(${target}): ID '${ARG_ID}' must match [a-z0-9][a-z0-9._-]{0,63}")
  endif()
  if(NOT ARG_MANIFEST)
    message(FATAL_ERROR "patchbay_add_plugin(${target}): MANIFEST is required")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "patchbay_add_plugin(${target}): SOURCES is required")
  endif()
  get_filename_component(manifest "${ARG_MANIFEST}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${manifest}")
    message(FATAL_ERROR "patchbay_add_plugin(${target}): manifest ${manifest} does not exist")
  endif()
  file(READ "${manifest}" manifest_text)
  string(JSON manifest_id ERROR_VARIABLE json_error GET "${manifest_text}" id)
  if(NOT json_error AND NOT manifest_id STREQUAL ARG_ID)
    message(FATAL_ERROR "patchbay_add_plugin(${target}): ${manifest} says id '${manifest_id}', not '${ARG_ID}'")
  endif()

  if(ARG_OUTPUT_DIR)
    set(out_root "${ARG_OUTPUT_DIR}")
  elseif(PATCHBAY_PLUGIN_OUTPUT_DIR)
    set(out_root "${PATCHBAY_PLUGIN_OUTPUT_DIR}")
  else()
    set(out_root "${CMAKE_BINARY_DIR}/plugins")
  endif()
  set(out_dir "${out_root}/${ARG_ID}")

  if(PATCHBAY_PLUGIN_LINKAGE STREQUAL "STATIC")
    _patchbay_add_static_plugin()
    return()
  endif()

  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET patchbay::sdk)
    target_link_libraries(${target} PRIVATE patchbay::sdk)
  else()
    target_include_directories(${target} PRIVATE "${_PATCHBAY_PLUGIN_CMAKE_DIR}/../include")
  endif()
  if(ARG_LINK)
    target_link_libraries(${target} PRIVATE ${ARG_LINK})
  endif()
  target_compile_features(${target} PRIVATE cxx_std_20)
  set(version_script "${_PATCHBAY_PLUGIN_CMAKE_DIR}/plugin.map")
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "${ARG_ID}"
    LIBRARY_OUTPUT_DIRECTORY "${out_dir}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON
    LINK_DEPENDS "${version_script}")
  # Multi-config generators append the configuration to LIBRARY_OUTPUT_DIRECTORY; pin it.
  foreach(cfg ${CMAKE_CONFIGURATION_TYPES})
    string(TOUPPER "${cfg}" cfg_upper)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY_${cfg_upper} "${out_dir}")
  endforeach()
  # Sanitizer builds leave references to the sanitizer runtime, which the executable provides.
  set(no_undefined "-Wl,--no-undefined")
  if(PATCHBAY_SANITIZE OR PATCHBAY_FUZZ)
    set(no_undefined "")
  endif()
  target_link_options(${target} PRIVATE ${no_undefined} "-Wl,--version-script=${version_script}")

  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_if_different "${manifest}" "${out_dir}/plugin.json"
    COMMENT "Copying ${ARG_ID}/plugin.json")
  set_property(TARGET ${target} PROPERTY PATCHBAY_PLUGIN_ID "${ARG_ID}")
  set_property(TARGET ${target} PROPERTY PATCHBAY_PLUGIN_DIR "${out_dir}")

  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "plugins/${ARG_ID}")
    install(FILES "${manifest}" DESTINATION "plugins/${ARG_ID}" RENAME plugin.json)
    # What an install needs built (tests/integration/operate installs the tree).
    set_property(GLOBAL APPEND PROPERTY PATCHBAY_INSTALLED_PLUGIN_TARGETS ${target})
  endif()
endfunction()

# The STATIC variant of patchbay_add_plugin (a macro: it sees the caller's parsed arguments).
macro(_patchbay_add_static_plugin)
  string(MAKE_C_IDENTIFIER "${ARG_ID}" _pb_cid)
  add_library(${target} STATIC ${ARG_SOURCES})
  if(TARGET patchbay::sdk)
    target_link_libraries(${target} PRIVATE patchbay::sdk)
  else()
    target_include_directories(${target} PRIVATE "${_PATCHBAY_PLUGIN_CMAKE_DIR}/../include")
  endif()
  if(ARG_LINK)
    target_link_libraries(${target} PRIVATE ${ARG_LINK})
  endif()
  target_compile_features(${target} PRIVATE cxx_std_20)
  target_compile_definitions(${target} PRIVATE PB_PLUGIN_ENTRY_NAME=pb_plugin_entry_${_pb_cid})
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E make_directory "${out_dir}"
    COMMAND ${CMAKE_COMMAND} -E copy_if_different "${manifest}" "${out_dir}/plugin.json"
    COMMENT "Copying ${ARG_ID}/plugin.json")
  set_property(GLOBAL APPEND PROPERTY PATCHBAY_STATIC_PLUGINS "${ARG_ID}|${_pb_cid}|${target}")
  if(NOT ARG_NO_INSTALL)
    install(FILES "${manifest}" DESTINATION "plugins/${ARG_ID}" RENAME plugin.json)
  endif()
endmacro()

# patchbay_static_plugin_table(<library target>): after every plugin was added, creates a static
# library defining pb::plugin_host::static_plugins() (core/plugin_host/static_plugins.h) that
# lists every plugin built STATIC, linked into it. The server links <library target>.
function(patchbay_static_plugin_table lib)
  get_property(entries GLOBAL PROPERTY PATCHBAY_STATIC_PLUGINS)
  set(decls "")
  set(rows "")
  set(targets "")
  foreach(entry IN LISTS entries)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 id)
    list(GET parts 1 cid)
    list(GET parts 2 tgt)
    string(APPEND decls "extern \"C\" const pb_plugin_descriptor* pb_plugin_entry_${cid}(uint32_t, uint32_t);\n")
    string(APPEND rows "    {\"${id}\", &pb_plugin_entry_${cid}},\n")
    list(APPEND targets ${tgt})
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${lib}_table.cpp")
  file(CONFIGURE OUTPUT "${out}" CONTENT "// Generated by patchbay_static_plugin_table(): the plugins linked into this binary.
#include \"core/plugin_host/static_plugins.h\"

@decls@
namespace pb::plugin_host {

std::span<const StaticPlugin> static_plugins() {
  static const StaticPlugin table[] = {
@rows@    {nullptr, nullptr}};
  return std::span<const StaticPlugin>(table, sizeof(table) / sizeof(table[0]) - 1);
}

}  // namespace pb::plugin_host
" @ONLY)
  add_library(${lib} STATIC "${out}")
  target_link_libraries(${lib} PUBLIC pb_plugin_host ${targets})
  # The plugins are now claimed by this table; a later table starts from an empty list.
  set_property(GLOBAL PROPERTY PATCHBAY_STATIC_PLUGINS "")
endfunction()
