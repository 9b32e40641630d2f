# Every dependency comes from a Debian package; nothing is downloaded at build time.
find_package(PkgConfig REQUIRED)
# libuv and LMDB are linked statically where Debian's -dev packages ship the archive (libuv1-dev
# and liblmdb-dev do): the binary keeps only the code it calls, and the server maps two shared
# objects fewer — each costs its own symbol tables, relocations and part-used pages, ~100 kB of
# idle RSS for these two (idle RSS is a goal: edge installs). Plugins link neither.
# PATCHBAY_STATIC_LIBUV / PATCHBAY_STATIC_LMDB say which (packaging/ leaves them out of Depends).
pkg_check_modules(LIBUV IMPORTED_TARGET libuv-static)
set(PATCHBAY_STATIC_LIBUV ${LIBUV_FOUND})
if(NOT LIBUV_FOUND)
  pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
endif()
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
find_library(LMDB_ARCHIVE liblmdb.a HINTS ${LMDB_LIBRARY_DIRS})
set(PATCHBAY_STATIC_LMDB FALSE)
if(LMDB_ARCHIVE)
  find_package(Threads REQUIRED)
  set_target_properties(PkgConfig::LMDB PROPERTIES
    INTERFACE_LINK_LIBRARIES "${LMDB_ARCHIVE};Threads::Threads")
  set(PATCHBAY_STATIC_LMDB TRUE)
endif()
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(simdjson REQUIRED)
find_package(fmt REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# llhttp: Debian's node-llhttp ships the generated C sources; we compile them ourselves.
set(LLHTTP_SOURCE_DIR /usr/share/llhttp CACHE PATH "llhttp C sources (Debian node-llhttp)")
set(LLHTTP_INCLUDE_DIR /usr/share/include/llhttp CACHE PATH "llhttp header (Debian node-llhttp)")
if(NOT EXISTS ${LLHTTP_SOURCE_DIR}/llhttp.c)
  message(FATAL_ERROR "llhttp sources not found in ${LLHTTP_SOURCE_DIR}: apt-get install node-llhttp")
endif()
add_library(llhttp STATIC ${LLHTTP_SOURCE_DIR}/llhttp.c ${LLHTTP_SOURCE_DIR}/api.c ${LLHTTP_SOURCE_DIR}/http.c)
target_include_directories(llhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
target_compile_options(llhttp PRIVATE -w)

# RapidJSON's config exports variables, not a target.
add_library(rapidjson INTERFACE)
target_include_directories(rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
target_compile_definitions(rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
