#include "core/util/inline_function.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace pb {
namespace {

// Counts the live copies of itself, so a test can see each target destroyed exactly once.
struct Tracked {
  explicit Tracked(int* live) : live(live) { ++*live; }
  Tracked(Tracked&& other) noexcept : live(other.live) { ++*live; }
  ~Tracked() { --*live; }
  int* live;
};

TEST(InlineFunction, CallsItsTargetWithTheArgumentsAndReturnsItsResult) {
  InlineFunction<int(int, const std::string&)> f = [base = 10](int n, const std::string& s) {
    return base + n + static_cast<int>(s.size());
  };
  ASSERT_TRUE(f);
  EXPECT_EQ(f(5, "abc"), 18);
}

TEST(InlineFunction, HoldsAMoveOnlyTarget) {
  auto owned = std::make_unique<int>(7);
  InlineFunction<int()> f = [p = std::move(owned)] { return *p; };
  EXPECT_EQ(f(), 7);
}

TEST(InlineFunction, AMoveLeavesTheSourceEmptyAndTheTargetAliveOnce) {
  int live = 0;
  {
    InlineFunction<int()> a = [t = Tracked(&live)] { return *t.live; };
    EXPECT_EQ(live, 1);
    InlineFunction<int()> b = std::move(a);
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): the documented moved-from state
    ASSERT_TRUE(b);
    EXPECT_EQ(live, 1);
    EXPECT_EQ(b(), 1);
    InlineFunction<int()> c;
    c = std::move(b);
    EXPECT_EQ(live, 1);
    EXPECT_EQ(c(), 1);
  }
  EXPECT_EQ(live, 0);
}

TEST(InlineFunction, AssigningOverATargetOrNullDestroysIt) {
  int first = 0, second = 0;
  InlineFunction<void()> f = [t = Tracked(&first)] {};
  f = [t = Tracked(&second)] {};
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  f = nullptr;
  EXPECT_EQ(second, 0);
  EXPECT_FALSE(f);
}

TEST(InlineFunction, TheTargetMayChangeItsOwnState) {
  InlineFunction<int()> counter = [n = 0]() mutable { return ++n; };
  counter();
  EXPECT_EQ(counter(), 2);
}

TEST(InlineFunction, DefaultAndNullAreEmpty) {
  InlineFunction<void()> a;
  InlineFunction<void()> b = nullptr;
  EXPECT_FALSE(a);
  EXPECT_FALSE(b);
}

}  // namespace
}  // namespace pb
