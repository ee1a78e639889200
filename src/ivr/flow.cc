// Names and graph helpers of the flow model.
#include "ivr/flow.h"

namespace sy::ivr {
namespace {

struct LookupInfo {
  LookupKind kind;
  const char* name;
  std::vector<std::string> keys;
};

const std::vector<LookupInfo>& lookup_table() {
  static const std::vector<LookupInfo> table = {
      {LookupKind::kBill, "bill", {"found", "none"}},
      {LookupKind::kArrears, "arrears", {"found", "none"}},
      {LookupKind::kOutageForCaller, "outage_for_caller", {"found", "none"}},
      {LookupKind::kOutagePlans, "outage_plans", {"found", "none"}},
      {LookupKind::kOrderProgress, "order_progress", {"found", "none"}},
      {LookupKind::kVip, "vip", {"yes", "no"}},
      {LookupKind::kCustomerByCaller, "customer_by_caller", {"found", "none"}},
      {LookupKind::kAccountPinCheck, "account_pin_check", {"ok", "wrong", "locked", "none"}},
  };
  return table;
}

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

void add_if(std::vector<std::string>& out, const std::string& id) {
  if (!id.empty()) out.push_back(id);
}
void add_values(std::vector<std::string>& out, const std::map<std::string, std::string>& m) {
  for (const auto& [key, id] : m) add_if(out, id);
}

}  // namespace

const char* lookup_kind_name(LookupKind kind) {
  for (const auto& info : lookup_table())
    if (info.kind == kind) return info.name;
  return "?";
}

std::optional<LookupKind> lookup_kind_from_name(const std::string& name) {
  for (const auto& info : lookup_table())
    if (name == info.name) return info.kind;
  return std::nullopt;
}

std::vector<std::string> lookup_result_keys(LookupKind kind) {
  for (const auto& info : lookup_table()) {
    if (info.kind != kind) continue;
    auto keys = info.keys;
    keys.push_back("error");
    return keys;
  }
  return {"error"};
}

const std::vector<std::string>& queue_outcome_keys() {
  static const std::vector<std::string> keys = {"callback", "timeout", "full", "closed"};
  return keys;
}

const char* node_kind_name(const NodeBody& body) {
  static const char* const kNames[] = {
      "play",  "menu",     "collect",          "lookup",    "set",    "branch",
      "queue", "transfer", "callback_request", "voicemail", "survey", "hangup"};
  return kNames[body.index()];
}

std::vector<std::string> successors(const NodeBody& body) {
  std::vector<std::string> out;
  std::visit(Overload{
                 [&](const PlayNode& n) { add_if(out, n.next); },
                 [&](const MenuNode& n) {
                   for (const auto& [key, id] : n.options) add_if(out, id);
                   add_if(out, n.on_fail);
                 },
                 [&](const CollectNode& n) {
                   add_if(out, n.next);
                   add_if(out, n.on_fail);
                 },
                 [&](const LookupNode& n) {
                   add_values(out, n.branches);
                   add_if(out, n.next);
                 },
                 [&](const SetNode& n) { add_if(out, n.next); },
                 [&](const BranchNode& n) {
                   for (const auto& c : n.cases) add_if(out, c.target);
                   add_if(out, n.next);
                 },
                 [&](const QueueNode& n) { add_values(out, n.branches); },
                 [&](const TransferNode&) {},
                 [&](const CallbackRequestNode& n) { add_if(out, n.next); },
                 [&](const VoicemailNode& n) { add_if(out, n.next); },
                 [&](const SurveyNode& n) { add_if(out, n.next); },
                 [&](const HangupNode&) {},
             },
             body);
  return out;
}

}  // namespace sy::ivr
