// Roles and what each may do. The one table of role → permission lives in roles.cc, so the
// role × endpoint matrix test can walk it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sy::auth {

enum class Role { kAgent, kSupervisor, kBackoffice, kField, kManager, kAdmin };

enum class Permission {
  kSettingsRead,   // centre settings, own profile
  kCustomerRead,   // customer files, screen pop, bills, contacts
  kCustomerWrite,  // create / edit / delete customers and accounts
  kContactWrite,   // record a contact in the history
  kOutageRead,
  kOutageWrite,
  kRegionRead,
  kRegionWrite,
  kUserRead,
  kUserWrite,
  kAuditRead,
  kEventsRead,  // the live event stream (each user receives only what is addressed to them)
  kWorkOrderRead,       // work orders and their types, inside the user's regions
  kWorkOrderCreate,     // raise a work order (from a call, a counter visit, ...)
  kWorkOrderAct,        // dispatch, accept, start, resolve, return, visit, close, reopen, urge
  kWorkOrderTypeWrite,  // edit work-order types and the business calendar
  kKbRead,   // search and read published knowledge-base articles
  kKbWrite,  // write, review and publish articles and categories
  kRoutingRead,    // skills and queues
  kRoutingWrite,   // create / edit skills and queues
  kAgentRead,      // the agent list and any agent's settings and state
  kAgentWrite,     // make a user an agent: extension, phone password, skills
  kAgentSelf,      // own agent settings and presence state (ready, break, ...)
  kCallRead,       // call records (agents: only their own calls)
  kRecordingRead,  // recordings (agents: only of their own calls)
  kCallControl,    // act on own live calls: answer, hang up, hold, transfer, ...
  kCallMonitor,    // listen / whisper / barge on calls of supervised queues and regions
  kAgentSupervise,  // force an agent's state, sign an agent out
  kReportRead,     // historical reports and their exports, inside the user's regions
  kQualityRead,    // quality scoring forms and the scores agents were given
  kQualityWrite,   // edit scoring forms and score recorded calls
  kSmsRead,        // the SMS outbox (supervisors: messages about orders of their regions)
  kSmsWrite,       // send a failed SMS again
};

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);
const std::vector<Role>& all_roles();

std::string_view to_string(Permission p);
// "customer.read" → kCustomerRead; nullopt for an unknown name.
std::optional<Permission> parse_permission(std::string_view text);
bool allows(Role role, Permission permission);

}  // namespace sy::auth
