// The registrar's decisions without SIP I/O: digest verification (RFC 2617 / 3261 §22, MD5,
// qop=auth), challenge nonces with a lifetime, and the table of phone bindings with expiry by
// an injected `now`. The sofia adapter feeds it parsed REGISTERs and turns its verdicts into
// responses and RegistrationEvents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "sip/sip_adapter.h"

namespace sy::sip {

std::string md5_hex(std::string_view text);

// The parameters of an `Authorization: Digest ...` header, unquoted.
struct DigestCredentials {
  std::string username, realm, nonce, uri, response, qop, nc, cnonce, algorithm;
};
// `params` as sofia lists them: "name=value" strings, values possibly quoted.
DigestCredentials parse_digest_params(const std::vector<std::string>& params);
// True when `c.response` is what a phone knowing the password behind `ha1` computes for
// `method` (qop=auth or the RFC 2069 form without qop).
bool digest_matches(const DigestCredentials& c, const std::string& ha1, std::string_view method);

class NonceStore {
 public:
  explicit NonceStore(Duration ttl) : ttl_(ttl) {}
  std::string issue(TimePoint now);
  enum class Check { kValid, kStale, kUnknown };
  Check check(const std::string& nonce, TimePoint now) const;
  void prune(TimePoint now);

 private:
  Duration ttl_;
  std::map<std::string, TimePoint> issued_;
  std::mt19937_64 rng_{std::random_device{}()};
};

// Brake on password guessing: a source (the adapter keys it by address and extension) whose
// REGISTERs failed digest verification `max_failures` times within `window` is refused outright
// (no challenge) for `block`. A successful registration clears its count.
class AuthFailureLimiter {
 public:
  AuthFailureLimiter(int max_failures, Duration window, Duration block)
      : max_failures_(max_failures), window_(window), block_(block) {}
  bool blocked(const std::string& source, TimePoint now);
  void failed(const std::string& source, TimePoint now);
  void succeeded(const std::string& source) { sources_.erase(source); }

 private:
  struct Source {
    std::vector<TimePoint> failures;  // within the window, oldest first
    TimePoint blocked_until{};
  };
  int max_failures_;
  Duration window_, block_;
  std::map<std::string, Source> sources_;
};

// One binding per extension; the newest REGISTER wins.
class BindingTable {
 public:
  struct Change {
    std::string extension;
    std::optional<UnregisterReason> unregistered;  // the old binding went away for this reason
    std::optional<std::string> registered;         // the new contact, when it is new
  };
  // A REGISTER with Expires > 0: adds or refreshes.
  Change bind(const std::string& extension, const std::string& contact, const std::string& source,
              TimePoint expires_at, bool via_source = false);
  // Expires: 0. Returns whether a binding was removed.
  bool remove(const std::string& extension);
  // Removes and returns the extensions whose binding expired at `now`.
  std::vector<std::string> expire(TimePoint now);
  const PhoneBinding* find(const std::string& extension) const;
  std::vector<PhoneBinding> all() const;
  size_t size() const { return bindings_.size(); }

 private:
  std::map<std::string, PhoneBinding> bindings_;
};

}  // namespace sy::sip
