#include "auth/secrets.h"
#include "auth/sip_digest.h"

#include <gtest/gtest.h>

namespace sy::auth {
namespace {

TEST(Passwords, HashIsArgon2idAndVerifies) {
  auto hash = hash_password("正确的密码-correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*hash, "正确的密码-correct horse"));
  EXPECT_FALSE(verify_password(*hash, "wrong"));
  EXPECT_FALSE(verify_password("not a hash", "x"));
  EXPECT_FALSE(verify_password("", ""));
}

TEST(Passwords, SameInputGivesDifferentSaltedHashes) {
  EXPECT_NE(*hash_password("same password"), *hash_password("same password"));
}

TEST(Passwords, PolicyNamesTheRule) {
  EXPECT_EQ(check_password_policy("short").error().code, "password_too_short");
  EXPECT_TRUE(check_password_policy("long enough").ok());
  EXPECT_EQ(check_password_policy(std::string(200, 'x')).error().code, "password_too_long");
}

TEST(Tokens, AreUrlSafeAndUnique) {
  auto a = random_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(a, random_token());
  EXPECT_EQ(random_password().size(), 16u);
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SipDigest, Ha1MatchesTheRfc2617Example) {
  EXPECT_EQ(sip_ha1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

}  // namespace
}  // namespace sy::auth
