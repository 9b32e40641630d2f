# The checkpoint format alone (store/redo_checkpoint.cpp), not the store.
set(redo_checkpoint_fuzz_EXTRA_SOURCES ${CMAKE_SOURCE_DIR}/store/redo_checkpoint.cpp)
set(redo_checkpoint_fuzz_EXTRA_LIBS PkgConfig::SODIUM)
