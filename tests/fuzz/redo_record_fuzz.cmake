# The record format alone (store/redo_record.cpp and the WriteBatch it fills), not the store.
set(redo_record_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/store/redo_record.cpp
  ${CMAKE_SOURCE_DIR}/store/write_batch.cpp)
set(redo_record_fuzz_EXTRA_LIBS patchbay_sdk PkgConfig::SODIUM)
