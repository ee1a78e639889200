// SHA-256 (OpenSSL) for the media part: recording integrity in the recordings metadata and
// content-addressed keys for the TTS prompt cache.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace sy::media {

// Lowercase hex SHA-256 of bytes in memory.
std::string sha256_hex(std::string_view data);
// Lowercase hex SHA-256 of a file's contents.
Result<std::string> sha256_file(const std::string& path);

}  // namespace sy::media
