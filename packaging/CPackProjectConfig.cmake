# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE in Packaging.cmake).
if(CPACK_GENERATOR STREQUAL "DEB")
  # Both components in one package: the relocatable tree under /opt/patchbay and the unit.
  set(CPACK_DEB_COMPONENT_INSTALL ON)
  set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
  set(CPACK_PACKAGING_INSTALL_PREFIX /opt/patchbay)
elseif(CPACK_GENERATOR STREQUAL "TGZ")
  # The tarball is only the relocatable tree (a full install excludes the "systemd" component).
  set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
endif()
