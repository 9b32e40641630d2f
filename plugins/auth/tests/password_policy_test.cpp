#include "plugins/auth/password_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace pb::auth {
namespace {

TEST(PasswordPolicy, LengthInBytesBetweenMinimumAnd72) {
  PasswordPolicy p;
  p.minimum_length = 8;
  EXPECT_EQ(password_policy_error("1234567", p), "model.user.is_valid.pwd.app_error");
  EXPECT_EQ(password_policy_error("12345678", p), "");
  EXPECT_EQ(password_policy_error(std::string(72, 'a'), p), "");
  EXPECT_EQ(password_policy_error(std::string(73, 'a'), p), "model.user.is_valid.pwd.app_error");
}

TEST(PasswordPolicy, EachClassIsChecked) {
  PasswordPolicy p;
  p.minimum_length = 5;
  p.lowercase = true;
  EXPECT_EQ(password_policy_error("ABCDE", p), "model.user.is_valid.pwd_lowercase.app_error");
  EXPECT_EQ(password_policy_error("ABCDe", p), "");
  p = PasswordPolicy{5, false, true};
  EXPECT_EQ(password_policy_error("abcde", p), "model.user.is_valid.pwd_uppercase.app_error");
  p = PasswordPolicy{5, false, false, true};
  EXPECT_EQ(password_policy_error("abcde", p), "model.user.is_valid.pwd_number.app_error");
  EXPECT_EQ(password_policy_error("abcd1", p), "");
  p = PasswordPolicy{5, false, false, false, true};
  EXPECT_EQ(password_policy_error("abcde", p), "model.user.is_valid.pwd_symbol.app_error");
  EXPECT_EQ(password_policy_error("abc d", p), "");
  EXPECT_EQ(password_policy_error("abc{}", p), "model.user.is_valid.pwd_symbol.app_error");
}

TEST(PasswordPolicy, IdNamesEveryEnabledRuleWhicheverFailed) {
  PasswordPolicy p{5, true, true, true, true};
  const char* id = "model.user.is_valid.pwd_lowercase_uppercase_number_symbol.app_error";
  EXPECT_EQ(password_policy_error("abc", p), id);
  EXPECT_EQ(password_policy_error("abcdef", p), id);
  EXPECT_EQ(password_policy_error("aB3!xyz", p), "");
}

}  // namespace
}  // namespace pb::auth
