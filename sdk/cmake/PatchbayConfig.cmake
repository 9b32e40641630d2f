# find_package(Patchbay) for third-party plugins: point Patchbay_DIR at <patchbay>/sdk/cmake (or
# at an installed share/patchbay/cmake). Gives the INTERFACE target patchbay::sdk (plugin.h,
# plugin.hpp, fake_host.hpp) and the function patchbay_add_plugin().
include_guard(GLOBAL)

get_filename_component(PATCHBAY_SDK_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include" ABSOLUTE)
if(NOT EXISTS "${PATCHBAY_SDK_INCLUDE_DIR}/patchbay/plugin.h")
  set(Patchbay_FOUND FALSE)
  set(Patchbay_NOT_FOUND_MESSAGE "patchbay/plugin.h not found under ${PATCHBAY_SDK_INCLUDE_DIR}")
  return()
endif()

if(NOT TARGET patchbay::sdk)
  add_library(patchbay::sdk INTERFACE IMPORTED)
  set_target_properties(patchbay::sdk PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${PATCHBAY_SDK_INCLUDE_DIR}"
    INTERFACE_COMPILE_FEATURES cxx_std_20)
endif()

include("${CMAKE_CURRENT_LIST_DIR}/PatchbayPlugin.cmake")
set(Patchbay_FOUND TRUE)
