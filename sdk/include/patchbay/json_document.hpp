// A RapidJSON document for the request path: its values and its parse stack live in buffers
// inside the object until they outgrow them.
//
// Why: a default rapidjson::Document mallocs a 64 KiB pool chunk on its first value and a parse
// stack besides. For the small documents of a request (a stored row, a webhook body) that chunk
// is glibc's slow path — a large request that consolidates the fast bins — on every parse, and it
// showed in the profile of every route as malloc/_int_malloc/malloc_consolidate. Declared on the
// stack, a SmallDocument costs no allocation until it holds more than `ValueBytes` of values;
// then it grows in ordinary pool chunks, so a large document still parses.
//
// Use it like a Document (it is one, with pool allocators: PooledDocument): Parse, HasParseError, FindMember, Accept. Values are
// plain rapidjson::Value, so code written against `const rapidjson::Value&` takes them as is.
// Still call json_guard.hpp's json_too_deep_at before parsing untrusted text.
//
// Not copyable or movable (the document points into its own buffers). Keep one on the stack of
// the function that reads it; ~ValueBytes + StackBytes of stack each. Threading: none shared.
// Errors: RapidJSON's (HasParseError); std::bad_alloc if a grown chunk cannot be allocated.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>

namespace pb::sdk {

// The document type a SmallDocument is: what a function that fills or reads one takes by
// reference (its values are plain rapidjson::Value).
using PooledDocument =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                               rapidjson::MemoryPoolAllocator<>>;

namespace json_document_detail {
using Pool = rapidjson::MemoryPoolAllocator<>;

// Holds the buffers and their allocators so they are constructed before the document base.
template <std::size_t ValueBytes, std::size_t StackBytes>
struct Buffers {
  alignas(std::max_align_t) char value_buffer[ValueBytes];
  alignas(std::max_align_t) char stack_buffer[StackBytes];
  Pool value_pool{value_buffer, ValueBytes};
  Pool stack_pool{stack_buffer, StackBytes};
};
}  // namespace json_document_detail

// StackBytes: the parse stack holds an object's members (32 bytes each) until the object ends,
// and each string while it is read; it grows in place by half each time, so a buffer of B bytes
// serves up to ~0.85 B. 4 KiB takes a stored user row (~40 members) or a Slack payload with
// attachments; at 1 KiB a user row outgrew it and every parse malloc'd a 64 KiB chunk (8% of
// the loop thread in the slash commands profile).
template <std::size_t ValueBytes = 4096, std::size_t StackBytes = 4096>
class SmallDocument : private json_document_detail::Buffers<ValueBytes, StackBytes>,
                      public PooledDocument {
  using Buffers = json_document_detail::Buffers<ValueBytes, StackBytes>;

 public:
  // The parse stack starts at a quarter of its buffer: the pool hands out the rest as it grows.
  // Buffers is default-initialised, not value-initialised (`Buffers()`): that zero-filled both
  // buffers, 8 KiB of memset on every parse (~12 % of a member-row parse), for bytes the pools
  // write before anyone reads them.
  SmallDocument() : PooledDocument(&this->value_pool, StackBytes / 4, &this->stack_pool) {}
  SmallDocument(const SmallDocument&) = delete;
  SmallDocument& operator=(const SmallDocument&) = delete;

  // Whether the last parses needed more than the inline buffers (heap chunks were allocated):
  // for tests and for sizing the buffers of a hot path.
  bool outgrew_buffers() const {
    return this->value_pool.Capacity() > ValueBytes || this->stack_pool.Capacity() > StackBytes;
  }
};

}  // namespace pb::sdk
