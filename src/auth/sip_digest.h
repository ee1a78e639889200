// SIP digest credentials for agent phones (RFC 2617/3261): only HA1 = md5(user:realm:password)
// is stored, so the clear phone password never reaches the database.
#pragma once

#include <string>

namespace sy::auth {

// Lower-case hex md5 of "user:realm:password".
std::string sip_ha1(const std::string& user, const std::string& realm, const std::string& password);

}  // namespace sy::auth
