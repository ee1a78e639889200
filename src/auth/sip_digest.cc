// SIP digest HA1 (see sip_digest.h), with OpenSSL's MD5.
#include "auth/sip_digest.h"

#include <openssl/evp.h>

namespace sy::auth {

std::string sip_ha1(const std::string& user, const std::string& realm,
                    const std::string& password) {
  std::string input = user;
  input.append(":").append(realm).append(":").append(password);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace sy::auth
