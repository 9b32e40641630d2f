// SampleArray: a fixed number of uint64_t, zero-filled, allocated with calloc so that the pages
// of a large run (millions of posts) are mapped lazily: a slot costs memory only once written.
// Owns its memory; not thread-safe (each array has one writer thread; readers synchronise with
// it, e.g. by joining it).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace pb::bench {

class SampleArray {
 public:
  SampleArray() = default;
  // Throws std::bad_alloc when calloc fails (at start-up, never in a callback).
  explicit SampleArray(size_t size)
      : data_(static_cast<uint64_t*>(std::calloc(size == 0 ? 1 : size, sizeof(uint64_t)))), size_(size) {
    if (!data_) throw std::bad_alloc();
  }
  size_t size() const { return size_; }
  uint64_t& operator[](size_t i) { return data_.get()[i]; }
  uint64_t operator[](size_t i) const { return data_.get()[i]; }

 private:
  struct Free {
    void operator()(uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint64_t, Free> data_;
  size_t size_ = 0;
};

}  // namespace pb::bench
