#include "auth/roles.h"

#include <array>

namespace sy::auth {
namespace {

struct RoleName {
  Role role;
  std::string_view name;
};
constexpr std::array kRoleNames = {
    RoleName{Role::kAgent, "agent"},       RoleName{Role::kSupervisor, "supervisor"},
    RoleName{Role::kBackoffice, "backoffice"}, RoleName{Role::kField, "field"},
    RoleName{Role::kManager, "manager"},   RoleName{Role::kAdmin, "admin"},
};

// Which roles hold each permission. Field crews see outages and their own orders, not the
// customer base; managers read everything but change only through the admin.
struct Grant {
  Permission permission;
  std::string_view name;
  std::initializer_list<Role> roles;
};
const Grant kGrants[] = {
    {Permission::kSettingsRead, "settings.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kManager,
      Role::kAdmin}},
    {Permission::kCustomerRead, "customer.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kManager, Role::kAdmin}},
    {Permission::kCustomerWrite, "customer.write", {Role::kAdmin}},
    {Permission::kContactWrite, "contact.write", {Role::kAgent, Role::kSupervisor, Role::kAdmin}},
    {Permission::kOutageRead, "outage.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kManager,
      Role::kAdmin}},
    {Permission::kOutageWrite, "outage.write", {Role::kSupervisor, Role::kAdmin}},
    {Permission::kRegionRead, "region.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kManager,
      Role::kAdmin}},
    {Permission::kRegionWrite, "region.write", {Role::kAdmin}},
    {Permission::kUserRead, "user.read", {Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kUserWrite, "user.write", {Role::kAdmin}},
    {Permission::kAuditRead, "audit.read", {Role::kManager, Role::kAdmin}},
    {Permission::kEventsRead, "events.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kManager,
      Role::kAdmin}},
    {Permission::kWorkOrderRead, "work_order.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kManager,
      Role::kAdmin}},
    {Permission::kWorkOrderCreate, "work_order.create",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kAdmin}},
    {Permission::kWorkOrderAct, "work_order.act",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kAdmin}},
    {Permission::kWorkOrderTypeWrite, "work_order_type.write", {Role::kAdmin}},
    {Permission::kKbRead, "kb.read",
     {Role::kAgent, Role::kSupervisor, Role::kBackoffice, Role::kField, Role::kManager,
      Role::kAdmin}},
    {Permission::kKbWrite, "kb.write", {Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kRoutingRead, "routing.read",
     {Role::kAgent, Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kRoutingWrite, "routing.write", {Role::kAdmin}},
    {Permission::kAgentRead, "agent.read", {Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kAgentWrite, "agent.write", {Role::kAdmin}},
    {Permission::kAgentSelf, "agent.self", {Role::kAgent, Role::kSupervisor}},
    {Permission::kCallRead, "call.read",
     {Role::kAgent, Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kRecordingRead, "recording.read",
     {Role::kAgent, Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kCallControl, "call.control", {Role::kAgent, Role::kSupervisor}},
    {Permission::kCallMonitor, "call.monitor", {Role::kSupervisor}},
    {Permission::kAgentSupervise, "agent.supervise", {Role::kSupervisor, Role::kAdmin}},
    {Permission::kReportRead, "report.read", {Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kQualityRead, "quality.read", {Role::kSupervisor, Role::kManager, Role::kAdmin}},
    {Permission::kQualityWrite, "quality.write", {Role::kSupervisor, Role::kAdmin}},
    {Permission::kSmsRead, "sms.read", {Role::kSupervisor, Role::kAdmin}},
    {Permission::kSmsWrite, "sms.write", {Role::kAdmin}},
};

}  // namespace

std::string_view to_string(Role role) {
  for (const auto& r : kRoleNames)
    if (r.role == role) return r.name;
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  for (const auto& r : kRoleNames)
    if (r.name == text) return r.role;
  return std::nullopt;
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> v;
    for (const auto& r : kRoleNames) v.push_back(r.role);
    return v;
  }();
  return roles;
}

std::string_view to_string(Permission p) {
  for (const auto& g : kGrants)
    if (g.permission == p) return g.name;
  return "unknown";
}

std::optional<Permission> parse_permission(std::string_view text) {
  for (const auto& g : kGrants)
    if (g.name == text) return g.permission;
  return std::nullopt;
}

bool allows(Role role, Permission permission) {
  for (const auto& g : kGrants) {
    if (g.permission != permission) continue;
    for (Role r : g.roles)
      if (r == role) return true;
    return false;
  }
  return false;
}

}  // namespace sy::auth
