// BodyReader: strict reading of a JSON request body. The whole body must be one valid JSON
// document (UTF-8 checked) of the expected shape; a member of the wrong type is refused, not
// ignored. The first problem is kept as a 400 api.context.invalid_body_param.app_error naming
// the member, so a handler reads every member and checks error() once.
//
// Most bodies are compact JSON, exactly as RapidJSON's Writer would write them
// (patchbay/json_canonical.hpp); such a body is read without building a document: its top-level
// members are indexed as written in one pass, which also proves them valid. Every answer is the
// document's (tests/fuzz/chat_body_fuzz.cpp compares the two readings of every input).
//
// Threading: a value; any thread.
#pragma once

#include <rapidjson/document.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/api_error.h"
#include "patchbay/json_document.hpp"

namespace pb::chat {

class BodyReader {
 public:
  enum class Reading { fastest, document_only };
  // `what` names the body in the error when it is not a JSON object ("user", "team"). `body`
  // must outlive the reader. document_only: always through the document (for tests).
  BodyReader(std::string_view body, std::string_view what, Reading reading = Reading::fastest);

  // Optional members: absent or null leaves `out` untouched and returns false; present and of
  // the right type stores it and returns true; present with another type records the error.
  bool string(const char* key, std::string& out);
  bool boolean(const char* key, bool& out);
  // A JSON object member kept as compact text ("props"): what RapidJSON's Writer writes for it,
  // copied from the body when the body has it in that form already.
  bool object_text(const char* key, std::string& out);

  const std::optional<ApiError>& error() const { return error_; }
  // Whether the body was read without a document (see above).
  bool read_as_written() const { return as_written_; }

  // A body that must be an array of strings (POST /users/ids). nullopt: not such an array.
  static std::optional<std::vector<std::string>> string_array(std::string_view body);

 private:
  // Indexes the top-level members of a body in the Writer's own form with no escaped key and at
  // most kMaxMembersAsWritten members; false (nothing kept) for any other body.
  bool index_as_written();
  // The value of the first member named `key` (as the document's FindMember finds it), or
  // nullptr when there is none or it is null (which every reader treats as absent).
  const std::string_view* member_as_written(std::string_view key) const;
  // Records the error for `key` and returns false.
  bool wrong_type(const char* key);

  std::string_view body_;
  struct MemberAsWritten {
    std::string_view key;    // as written: it has no escape
    std::string_view value;  // canonical JSON text
  };
  static constexpr size_t kMaxMembersAsWritten = 24;
  std::array<MemberAsWritten, kMaxMembersAsWritten> members_;
  size_t member_count_ = 0;
  bool as_written_ = false;
  // Request bodies are small: parsed into a buffer inside the reader, not a 64 KiB pool chunk.
  sdk::SmallDocument<> doc_;
  std::optional<ApiError> error_;
};

}  // namespace pb::chat
