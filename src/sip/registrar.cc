#include "sip/registrar.h"

#include <sofia-sip/su_md5.h>

#include <algorithm>
#include <cctype>

namespace sy::sip {

std::string md5_hex(std::string_view text) {
  su_md5_t ctx;
  su_md5_init(&ctx);
  su_md5_update(&ctx, text.data(), text.size());
  char hex[2 * SU_MD5_DIGEST_SIZE + 1];
  su_md5_hexdigest(&ctx, hex);
  return hex;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out.push_back(v[i]);
  }
  return out;
}

}  // namespace

DigestCredentials parse_digest_params(const std::vector<std::string>& params) {
  DigestCredentials c;
  for (const auto& p : params) {
    auto eq = p.find('=');
    if (eq == std::string::npos) continue;
    std::string name = lower(p.substr(0, eq));
    std::string value = unquote(std::string_view(p).substr(eq + 1));
    if (name == "username")
      c.username = value;
    else if (name == "realm")
      c.realm = value;
    else if (name == "nonce")
      c.nonce = value;
    else if (name == "uri")
      c.uri = value;
    else if (name == "response")
      c.response = lower(value);
    else if (name == "qop")
      c.qop = lower(value);
    else if (name == "nc")
      c.nc = value;
    else if (name == "cnonce")
      c.cnonce = value;
    else if (name == "algorithm")
      c.algorithm = lower(value);
  }
  return c;
}

bool digest_matches(const DigestCredentials& c, const std::string& ha1, std::string_view method) {
  if (!c.algorithm.empty() && c.algorithm != "md5") return false;
  if (c.response.size() != 32 || c.nonce.empty() || c.uri.empty()) return false;
  std::string ha2 = md5_hex(std::string(method).append(":").append(c.uri));
  std::string expected;
  if (c.qop == "auth") {
    if (c.nc.empty() || c.cnonce.empty()) return false;
    expected = md5_hex(lower(ha1) + ":" + c.nonce + ":" + c.nc + ":" + c.cnonce + ":auth:" + ha2);
  } else if (c.qop.empty()) {
    expected = md5_hex(lower(ha1) + ":" + c.nonce + ":" + ha2);
  } else {
    return false;  // auth-int is not offered
  }
  // Constant-time comparison: the response is a secret-derived value.
  unsigned diff = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned>(expected[i] ^ c.response[i]);
  return diff == 0;
}

std::string NonceStore::issue(TimePoint now) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string nonce;
  for (int i = 0; i < 2; ++i) {
    uint64_t r = rng_();
    for (int j = 0; j < 16; ++j, r >>= 4) nonce.push_back(kHex[r & 0xF]);
  }
  issued_[nonce] = now;
  if (issued_.size() > 100000) prune(now);
  return nonce;
}

NonceStore::Check NonceStore::check(const std::string& nonce, TimePoint now) const {
  auto it = issued_.find(nonce);
  if (it == issued_.end()) return Check::kUnknown;
  return now - it->second > ttl_ ? Check::kStale : Check::kValid;
}

void NonceStore::prune(TimePoint now) {
  std::erase_if(issued_, [&](const auto& kv) { return now - kv.second > 2 * ttl_; });
}

bool AuthFailureLimiter::blocked(const std::string& source_ip, TimePoint now) {
  auto it = sources_.find(source_ip);
  if (it == sources_.end()) return false;
  if (now < it->second.blocked_until) return true;
  if (it->second.blocked_until != TimePoint{}) sources_.erase(it);  // the block is over
  return false;
}

void AuthFailureLimiter::failed(const std::string& source_ip, TimePoint now) {
  if (max_failures_ <= 0) return;
  if (sources_.size() > 100000) {  // bounded memory under a spray of sources
    std::erase_if(sources_, [&](const auto& kv) {
      return now >= kv.second.blocked_until &&
             (kv.second.failures.empty() || now - kv.second.failures.back() > window_);
    });
  }
  Source& s = sources_[source_ip];
  std::erase_if(s.failures, [&](TimePoint t) { return now - t > window_; });
  s.failures.push_back(now);
  if (static_cast<int>(s.failures.size()) >= max_failures_) {
    s.blocked_until = now + block_;
    s.failures.clear();
  }
}

BindingTable::Change BindingTable::bind(const std::string& extension, const std::string& contact,
                                        const std::string& source, TimePoint expires_at,
                                        bool via_source) {
  Change change;
  change.extension = extension;
  auto it = bindings_.find(extension);
  if (it == bindings_.end()) {
    change.registered = contact;
  } else if (it->second.contact != contact) {
    change.unregistered = UnregisterReason::kReplaced;
    change.registered = contact;
  }
  bindings_[extension] = PhoneBinding{extension, contact, source, expires_at, via_source};
  return change;
}

bool BindingTable::remove(const std::string& extension) { return bindings_.erase(extension) > 0; }

std::vector<std::string> BindingTable::expire(TimePoint now) {
  std::vector<std::string> gone;
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    if (it->second.expires_at <= now) {
      gone.push_back(it->first);
      it = bindings_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

const PhoneBinding* BindingTable::find(const std::string& extension) const {
  auto it = bindings_.find(extension);
  return it == bindings_.end() ? nullptr : &it->second;
}

std::vector<PhoneBinding> BindingTable::all() const {
  std::vector<PhoneBinding> out;
  out.reserve(bindings_.size());
  for (const auto& [ext, b] : bindings_) out.push_back(b);
  return out;
}

}  // namespace sy::sip
