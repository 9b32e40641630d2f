# Install layout and release packages (included by the root CMakeLists.txt after every target).
#
# `cmake --install <build> --prefix P` gives a relocatable tree:
#   P/bin/patchbay   P/plugins/<id>/{plugin.json,lib<id>.so}   P/config/config.json   P/data/   P/logs/
# The binary finds plugins/ and config/ beside its own bin/ (core/cli/install_layout.h), so the
# tree works wherever it is unpacked. Everything relocatable is in the component "runtime"
# (the default component, set in the root CMakeLists.txt); the systemd unit has an absolute
# destination and is in "systemd", which only the .deb installs.
#
# `cpack` in the build directory makes:
#   patchbay-<version>-linux-<arch>.tar.gz  the tree under a patchbay-<version>-linux-<arch>/ folder
#   patchbay_<version>_<debarch>.deb        the tree under /opt/patchbay, a patchbay system user
#                                           (postinst), the hardened unit, config.json a conffile,
#                                           nothing enabled or started
include_guard(GLOBAL)

set(PATCHBAY_DEB_PREFIX /opt/patchbay)

# config.json is the operator's once installed: installing a newer build over a tree (the
# upgrade path of `cmake --install`) keeps an existing one, like the .deb's conffile does.
install(CODE "
  set(_pb_config \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/config/config.json\")
  if(EXISTS \"\${_pb_config}\")
    message(STATUS \"Keeping: \${_pb_config}\")
  else()
    file(INSTALL \"${CMAKE_SOURCE_DIR}/config/config.json\"
         DESTINATION \"\${CMAKE_INSTALL_PREFIX}/config\")
  endif()" COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION . COMPONENT runtime)
# Empty folders the server writes to (StoreSettings.Directory, LogSettings.FileLocation).
install(DIRECTORY DESTINATION data COMPONENT runtime)
install(DIRECTORY DESTINATION logs COMPONENT runtime)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/patchbay.service DESTINATION /lib/systemd/system
        COMPONENT systemd EXCLUDE_FROM_ALL)

string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _pb_arch)
set(CPACK_PACKAGE_NAME patchbay)
set(CPACK_PACKAGE_VENDOR "patchbay")
set(CPACK_PACKAGE_CONTACT "patchbay maintainers <maintainers@patchbay.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_FILE_NAME "patchbay-${PROJECT_VERSION}-linux-${_pb_arch}")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_STRIP_FILES OFF)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_COMPONENTS_ALL runtime systemd)
# Per-generator settings (which components, prefix) are read when cpack runs each generator.
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/CPackProjectConfig.cmake)

# DEB
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)  # dpkg-shlibdeps needs a debian/ tree; list them instead
# (what `ldd` shows for bin/ plugins/ lib/; spdlog is compiled in, see core/log/CMakeLists.txt,
# and libuv and LMDB too when their archives were found, see cmake/Dependencies.cmake)
set(_pb_shared_deps "")
if(NOT PATCHBAY_STATIC_LIBUV)
  string(APPEND _pb_shared_deps "libuv1, ")
endif()
if(NOT PATCHBAY_STATIC_LMDB)
  string(APPEND _pb_shared_deps "liblmdb0, ")
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libgcc-s1, libstdc++6, ${_pb_shared_deps}libsodium23, libssl3, libfmt9, libsimdjson14, adduser")
configure_file(${CMAKE_CURRENT_LIST_DIR}/conffiles.in ${CMAKE_BINARY_DIR}/packaging/conffiles @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/deb/postinst
    ${CMAKE_CURRENT_LIST_DIR}/deb/prerm
    ${CMAKE_CURRENT_LIST_DIR}/deb/postrm
    ${CMAKE_BINARY_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
