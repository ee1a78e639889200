// Passwords (argon2id) and random tokens (libsodium). Session tokens are stored only as hashes.
#pragma once

#include <string>

#include "core/result.h"

namespace sy::auth {

// argon2id with OWASP's recommended cost (19 MiB, 2 passes); returns the encoded string
// ($argon2id$v=19$m=...), which carries its own salt and parameters.
Result<std::string> hash_password(const std::string& password);
// Constant-time check of a password against an encoded hash; false on any malformed hash.
bool verify_password(const std::string& encoded_hash, const std::string& password);

// 32 random bytes as URL-safe base64 without padding (43 characters).
std::string random_token();
// A random password for generated accounts: 16 characters from an unambiguous alphabet.
std::string random_password();
// Lower-case hex SHA-256, used to store session tokens so a database leak does not leak sessions.
std::string sha256_hex(const std::string& data);

// Checks a new password against the policy (length 8..128); error names the rule.
Status check_password_policy(const std::string& password);

}  // namespace sy::auth
