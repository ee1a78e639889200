// The registrar of agent phones: REGISTER with digest auth (challenge, verification, brake on
// guessing), bindings with Expires, expiry on a timer, events to the application.
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tagarg.h>
#include <spdlog/spdlog.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "sip/sofia_adapter.h"

namespace sy::sip::detail {

namespace {

bool private_ipv4(const char* host) {
  in_addr a{};
  if (!host || inet_pton(AF_INET, host, &a) != 1) return false;
  uint32_t ip = ntohl(a.s_addr);
  return (ip >> 24) == 10 || (ip >> 20) == 0xAC1 || (ip >> 16) == 0xC0A8 ||
         (ip >> 22) == (100u << 2 | 1u);  // 10/8, 172.16/12, 192.168/16, 100.64/10
}

}  // namespace

// Where a phone is reachable, as common registrars decide it (RFC 3581 rport/received): behind
// NAT when its REGISTER came from another address or port than its Via names, or when its
// Contact names a private address it did not send from. Such a phone is called at the source.
bool SofiaAdapter::registered_behind_nat(nua_t* nua, sip_t const* sip, const url_t* contact) {
  msg_t* msg = nua_current_request(nua);
  su_addrinfo_t* ai = msg ? msg_addrinfo(msg) : nullptr;
  if (!ai || !ai->ai_addr || ai->ai_addr->sa_family != AF_INET) return false;
  auto* sin = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
  char ip[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
  unsigned long port = ntohs(sin->sin_port);
  if (const sip_via_t* via = sip ? sip->sip_via : nullptr; via && via->v_host) {
    bool tls = via->v_protocol && strcasecmp(via->v_protocol, "SIP/2.0/TLS") == 0;
    unsigned long via_port = via->v_port ? std::strtoul(via->v_port, nullptr, 10) : tls ? 5061 : 5060;
    if (strcasecmp(via->v_host, ip) != 0 || via_port != port) return true;
  }
  return contact && contact->url_host && private_ipv4(contact->url_host) &&
         std::strcmp(contact->url_host, ip) != 0;
}

void SofiaAdapter::on_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
  static_cast<SofiaAdapter*>(arg)->check_timers();
}

void SofiaAdapter::check_timers() {
  TimePoint now = clock_.now();
  std::vector<std::string> expired;
  {
    std::lock_guard lock(bindings_mu_);
    expired = bindings_.expire(now);
  }
  nonces_.prune(now);
  for (const auto& ext : expired) {
    spdlog::info("sip: phone {} unregistered (expired)", ext);
    if (registrar_.events)
      registrar_.events->on_phone_unregistered(ext, UnregisterReason::kExpired);
  }
  auto steady_now = std::chrono::steady_clock::now();
  auto deadline = steady_now - std::chrono::seconds(options_.outbound_timeout_s);
  for (auto& [id, call] : calls_) {
    if (!call->talk_waiters.empty() && call->talk_deadline <= steady_now) {
      spdlog::info("sip: phone of call {} did not reply to the remote answer in time", id);
      finish_talk(*call, false, 408);
    }
    if (call->outbound && !call->answered && !call->finished && !call->cancelled &&
        call->dialed_at < deadline) {
      call->cancelled = true;
      call->finished = true;
      nua_cancel(call->nh, TAG_END());
      fail_outbound(id, 408);
    }
  }
}

void SofiaAdapter::challenge(nua_handle_t* nh, nua_t* nua, const std::string& realm, bool stale) {
  std::string header = std::string("Digest realm=\"")
                           .append(realm)
                           .append("\", nonce=\"")
                           .append(nonces_.issue(clock_.now()))
                           .append("\", algorithm=MD5, qop=\"auth\"");
  if (stale) header.append(", stale=true");
  nua_respond(nh, 401, "Unauthorized", NUTAG_WITH_THIS(nua),
              SIPTAG_WWW_AUTHENTICATE_STR(header.c_str()), TAG_END());
}

void SofiaAdapter::refuse_register(nua_handle_t* nh, nua_t* nua, int status) {
  ++registers_refused_;
  nua_respond(nh, status, static_phrase(status), NUTAG_WITH_THIS(nua), TAG_END());
}

void SofiaAdapter::on_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip) {
  handle_register(nua, nh, sip);
  nua_handle_destroy(nh);
}

void SofiaAdapter::handle_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip) {
  ++registers_;
  std::string extension = sip && sip->sip_to ? user_of(sip->sip_to->a_url) : "";
  if (extension.empty()) {
    nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  // Keyed by address and extension: guessing one phone's password is stopped without locking
  // out the other phones behind the same NAT or proxy.
  std::string source = source_address(nua).append(" ").append(extension);
  if (auth_failures_.blocked(source, clock_.now())) return refuse_register(nh, nua, 403);
  std::optional<PhoneCredential> credential;
  if (registrar_.credentials) credential = registrar_.credentials(extension);
  std::string realm = credential && !credential->realm.empty() ? credential->realm : options_.realm;
  // The Authorization for our realm (a phone may carry others, e.g. for an outbound proxy).
  std::optional<DigestCredentials> digest;
  for (auto* au = sip->sip_authorization; au; au = au->au_next) {
    if (!au->au_scheme || strcasecmp(au->au_scheme, "Digest") != 0) continue;
    std::vector<std::string> params;
    for (auto* p = au->au_params; p && *p; ++p) params.emplace_back(*p);
    auto c = parse_digest_params(params);
    if (c.realm == realm) {
      digest = std::move(c);
      break;
    }
  }
  if (!digest) return challenge(nh, nua, realm, false);
  switch (nonces_.check(digest->nonce, clock_.now())) {
    case NonceStore::Check::kUnknown:
      return challenge(nh, nua, realm, false);
    case NonceStore::Check::kStale:
      return challenge(nh, nua, realm, true);
    case NonceStore::Check::kValid:
      break;
  }
  if (!credential) {
    auth_failures_.failed(source, clock_.now());
    return refuse_register(nh, nua, 404);
  }
  if (digest->username != extension || !digest_matches(*digest, credential->ha1, "REGISTER")) {
    spdlog::info("sip: REGISTER for {} from {} refused: wrong credentials", extension,
                 source_transport(nua));
    auth_failures_.failed(source, clock_.now());
    return refuse_register(nh, nua, 403);
  }
  auth_failures_.succeeded(source);
  apply_register(nua, nh, sip, extension);
}

void SofiaAdapter::apply_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip,
                                  const std::string& extension) {
  const sip_contact_t* contact = sip->sip_contact;
  if (!contact) {  // a query: answer with the current binding
    std::optional<PhoneBinding> b;
    {
      std::lock_guard lock(bindings_mu_);
      if (const PhoneBinding* found = bindings_.find(extension)) b = *found;
    }
    std::string c;
    if (b) c = binding_contact(*b);
    nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), TAG_IF(b, SIPTAG_CONTACT_STR(c.c_str())),
                TAG_END());
    return;
  }
  bool wildcard = contact->m_url->url_type == url_any;
  long expires = options_.default_expires_s;
  if (sip->sip_expires) expires = static_cast<long>(sip->sip_expires->ex_delta);
  if (!wildcard && contact->m_expires) expires = std::strtol(contact->m_expires, nullptr, 10);
  if (wildcard && expires != 0) {
    nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  if (expires <= 0) {
    bool removed;
    {
      std::lock_guard lock(bindings_mu_);
      removed = bindings_.remove(extension);
    }
    nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), TAG_END());
    if (removed) {
      spdlog::info("sip: phone {} unregistered (removed)", extension);
      if (registrar_.events)
        registrar_.events->on_phone_unregistered(extension, UnregisterReason::kRemoved);
    }
    return;
  }
  if (expires < options_.min_expires_s) {
    std::string min = std::to_string(options_.min_expires_s);
    nua_respond(nh, 423, "Interval Too Brief", NUTAG_WITH_THIS(nua),
                SIPTAG_MIN_EXPIRES_STR(min.c_str()), TAG_END());
    return;
  }
  expires = std::min<long>(expires, options_.max_expires_s);
  std::string uri = url_string(contact->m_url);
  if (uri.empty()) {
    nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  PhoneBinding binding{extension, uri, source_transport(nua),
                       clock_.now() + std::chrono::seconds(expires),
                       registered_behind_nat(nua, sip, contact->m_url)};
  if (binding.source.empty()) binding.via_source = false;
  BindingTable::Change change;
  {
    std::lock_guard lock(bindings_mu_);
    change = bindings_.bind(extension, binding.contact, binding.source, binding.expires_at,
                            binding.via_source);
  }
  std::string c = binding_contact(binding);
  nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), SIPTAG_CONTACT_STR(c.c_str()), TAG_END());
  if (change.unregistered) {
    spdlog::info("sip: phone {} unregistered (replaced)", extension);
    if (registrar_.events)
      registrar_.events->on_phone_unregistered(extension, *change.unregistered);
  }
  if (change.registered) {
    spdlog::info("sip: phone {} registered at {} from {}{}", extension, uri, binding.source,
                 binding.via_source ? " (behind NAT: called there)" : "");
    if (registrar_.events) registrar_.events->on_phone_registered(extension, *change.registered);
  }
}

std::string SofiaAdapter::binding_contact(const PhoneBinding& b) const {
  auto left = std::chrono::duration_cast<std::chrono::seconds>(b.expires_at - clock_.now()).count();
  return std::string("<")
      .append(b.contact)
      .append(">;expires=")
      .append(std::to_string(std::max<long long>(left, 0)));
}

}  // namespace sy::sip::detail
