// OwnedPayload: the deep copy the bus keeps of an event payload (one block holding the struct and
// its strings). Checked on a made-up layout so the older/newer struct cases can be built.
#include "core/bus/payload.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <utility>

namespace pb::bus {
namespace {

// A "v2" payload: v1 ended after `first`; `second` and `number` were appended.
struct Sample {
  size_t struct_size;
  pb_str first;
  pb_str second;
  int64_t number;
};

const PayloadLayout kSampleLayout{
    sizeof(Sample),
    offsetof(Sample, second),  // a v1 struct is accepted
    {offsetof(Sample, first), offsetof(Sample, second)},
};

std::string text(pb_str s) { return std::string(s.data, s.len); }

TEST(OwnedPayload, CopiesTheStructAndEveryStringDeeply) {
  std::string first = "hello", second(3000, 'x');  // a string longer than the struct
  Sample source{sizeof(Sample), {first.data(), first.size()}, {second.data(), second.size()}, 42};
  auto owned = OwnedPayload::copy(kSampleLayout, &source);
  ASSERT_TRUE(owned);
  first.assign("HELLO");
  second.assign(3000, 'y');
  const auto* copy = static_cast<const Sample*>(owned->get());
  EXPECT_EQ(copy->struct_size, sizeof(Sample));
  EXPECT_EQ(text(copy->first), "hello");
  EXPECT_EQ(text(copy->second), std::string(3000, 'x'));
  EXPECT_EQ(copy->number, 42);
  // Moving the owner keeps the views valid: they point into the block, which does not move.
  OwnedPayload moved = std::move(*owned);
  EXPECT_EQ(moved.get(), copy);
  EXPECT_EQ(text(static_cast<const Sample*>(moved.get())->first), "hello");
}

TEST(OwnedPayload, EmptyAndNullStringsBecomeEmptyNonNullViews) {
  Sample source{sizeof(Sample), {nullptr, 0}, {"abc", 0}, 0};
  auto owned = OwnedPayload::copy(kSampleLayout, &source);
  ASSERT_TRUE(owned);
  const auto* copy = static_cast<const Sample*>(owned->get());
  ASSERT_NE(copy->first.data, nullptr);
  EXPECT_EQ(copy->first.len, 0u);
  ASSERT_NE(copy->second.data, nullptr);
  EXPECT_EQ(copy->second.len, 0u);
}

TEST(OwnedPayload, AnOlderStructIsZeroExtendedAndANewerOneCut) {
  // v1: only struct_size and first; what follows in memory must not be read.
  struct V1 {
    size_t struct_size;
    pb_str first;
    pb_str garbage;  // not part of a v1 struct: never copied
  } v1{offsetof(Sample, second), {"one", 3}, {"zzz", 3}};
  auto owned = OwnedPayload::copy(kSampleLayout, &v1);
  ASSERT_TRUE(owned);
  const auto* copy = static_cast<const Sample*>(owned->get());
  EXPECT_EQ(copy->struct_size, sizeof(Sample));  // the host's size from now on
  EXPECT_EQ(text(copy->first), "one");
  EXPECT_EQ(text(copy->second), "");
  EXPECT_EQ(copy->number, 0);

  struct V3 {
    Sample v2;
    int64_t added_later;
  } v3{{sizeof(V3), {"a", 1}, {"b", 1}, 7}, 99};
  owned = OwnedPayload::copy(kSampleLayout, &v3);
  ASSERT_TRUE(owned);
  copy = static_cast<const Sample*>(owned->get());
  EXPECT_EQ(copy->struct_size, sizeof(Sample));
  EXPECT_EQ(text(copy->first) + text(copy->second), "ab");
  EXPECT_EQ(copy->number, 7);
}

TEST(OwnedPayload, RefusesNullAndTooSmallStructs) {
  EXPECT_FALSE(OwnedPayload::copy(kSampleLayout, nullptr));
  Sample tiny{sizeof(size_t), {}, {}, 0};
  EXPECT_FALSE(OwnedPayload::copy(kSampleLayout, &tiny));
}

TEST(OwnedPayload, AssignReusesItsBlockWhenItIsLargeEnoughAndGrowsOtherwise) {
  std::string long_text(2000, 'l'), short_text = "short";
  Sample big{sizeof(Sample), {long_text.data(), long_text.size()}, {"b", 1}, 1};
  OwnedPayload owned;
  EXPECT_EQ(owned.capacity(), 0u);
  ASSERT_TRUE(owned.assign(kSampleLayout, &big));
  const void* block = owned.get();
  size_t capacity = owned.capacity();
  EXPECT_GE(capacity, sizeof(Sample) + 2001);

  // Smaller content: the same block, and nothing of the longer content shows.
  Sample small{sizeof(Sample), {short_text.data(), short_text.size()}, {nullptr, 0}, 2};
  ASSERT_TRUE(owned.assign(kSampleLayout, &small));
  EXPECT_EQ(owned.get(), block);
  EXPECT_EQ(owned.capacity(), capacity);
  const auto* copy = static_cast<const Sample*>(owned.get());
  EXPECT_EQ(text(copy->first), "short");
  EXPECT_EQ(copy->second.len, 0u);
  EXPECT_EQ(copy->number, 2);

  // Larger content: a larger block with all of it.
  std::string longer(5000, 'L');
  Sample bigger{sizeof(Sample), {longer.data(), longer.size()}, {long_text.data(), long_text.size()}, 3};
  ASSERT_TRUE(owned.assign(kSampleLayout, &bigger));
  EXPECT_GT(owned.capacity(), capacity);
  copy = static_cast<const Sample*>(owned.get());
  EXPECT_EQ(text(copy->first), longer);
  EXPECT_EQ(text(copy->second), long_text);
  EXPECT_EQ(copy->number, 3);

  // A refused source empties it; a moved-from payload has no block left to write into.
  EXPECT_FALSE(owned.assign(kSampleLayout, nullptr));
  EXPECT_EQ(owned.get(), nullptr);
  EXPECT_EQ(owned.capacity(), 0u);
  ASSERT_TRUE(owned.assign(kSampleLayout, &small));
  OwnedPayload moved = std::move(owned);
  EXPECT_EQ(owned.capacity(), 0u);
  ASSERT_TRUE(owned.assign(kSampleLayout, &big));
  EXPECT_EQ(text(static_cast<const Sample*>(owned.get())->first), long_text);
  EXPECT_EQ(text(static_cast<const Sample*>(moved.get())->first), "short");
}

}  // namespace
}  // namespace pb::bus
