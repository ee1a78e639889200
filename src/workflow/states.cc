#include "workflow/states.h"

#include <array>
#include <string>

namespace sy::workflow {
namespace {

using S = OrderState;
using A = Action;

constexpr std::array<std::pair<S, std::string_view>, 11> kStateNames = {{
    {S::kNew, "new"},
    {S::kDispatched, "dispatched"},
    {S::kAccepted, "accepted"},
    {S::kInProgress, "in_progress"},
    {S::kResolved, "resolved"},
    {S::kReturnVisit, "return_visit"},
    {S::kClosed, "closed"},
    {S::kReturned, "returned"},
    {S::kReopened, "reopened"},
    {S::kEscalated, "escalated"},
    {S::kMerged, "merged"},
}};

constexpr std::array<std::pair<A, std::string_view>, 10> kActionNames = {{
    {A::kDispatch, "dispatch"},
    {A::kAccept, "accept"},
    {A::kStart, "start"},
    {A::kResolve, "resolve"},
    {A::kReturn, "return"},
    {A::kVisit, "visit"},
    {A::kClose, "close"},
    {A::kReopen, "reopen"},
    {A::kUrge, "urge"},
    {A::kEscalate, "escalate"},
}};

struct Transition {
  S from;
  A action;
  S to;
};

// The whole state machine. Urging leaves the state as it is; it exists only for open orders
// someone is (or should be) working on.
constexpr Transition kTable[] = {
    {S::kNew, A::kDispatch, S::kDispatched},
    {S::kNew, A::kResolve, S::kResolved},  // answered on the call (inquiry, praise)
    {S::kNew, A::kEscalate, S::kEscalated},
    {S::kNew, A::kUrge, S::kNew},

    {S::kDispatched, A::kAccept, S::kAccepted},
    {S::kDispatched, A::kReturn, S::kReturned},
    {S::kDispatched, A::kEscalate, S::kEscalated},
    {S::kDispatched, A::kUrge, S::kDispatched},

    {S::kAccepted, A::kStart, S::kInProgress},
    {S::kAccepted, A::kReturn, S::kReturned},
    {S::kAccepted, A::kEscalate, S::kEscalated},
    {S::kAccepted, A::kUrge, S::kAccepted},

    {S::kInProgress, A::kResolve, S::kResolved},
    {S::kInProgress, A::kEscalate, S::kEscalated},
    {S::kInProgress, A::kUrge, S::kInProgress},

    {S::kResolved, A::kVisit, S::kReturnVisit},
    {S::kResolved, A::kClose, S::kClosed},
    {S::kResolved, A::kReopen, S::kReopened},

    {S::kReturnVisit, A::kClose, S::kClosed},    // satisfied (or unreachable)
    {S::kReturnVisit, A::kReopen, S::kReopened}, // unsatisfied

    {S::kReturned, A::kDispatch, S::kDispatched},
    {S::kReturned, A::kClose, S::kClosed},  // withdrawn: nothing to do
    {S::kReturned, A::kUrge, S::kReturned},
    {S::kReturned, A::kEscalate, S::kEscalated},

    {S::kReopened, A::kDispatch, S::kDispatched},
    {S::kReopened, A::kEscalate, S::kEscalated},
    {S::kReopened, A::kUrge, S::kReopened},

    {S::kEscalated, A::kDispatch, S::kDispatched},
    {S::kEscalated, A::kAccept, S::kAccepted},
    {S::kEscalated, A::kStart, S::kInProgress},
    {S::kEscalated, A::kResolve, S::kResolved},
    {S::kEscalated, A::kEscalate, S::kEscalated},  // missed again: one more level up
    {S::kEscalated, A::kUrge, S::kEscalated},

    {S::kClosed, A::kReopen, S::kReopened},
    {S::kMerged, A::kClose, S::kClosed},  // closed with its parent
};

}  // namespace

std::string_view to_string(OrderState s) {
  for (const auto& [state, name] : kStateNames)
    if (state == s) return name;
  return "unknown";
}

std::optional<OrderState> parse_state(std::string_view text) {
  for (const auto& [state, name] : kStateNames)
    if (name == text) return state;
  return std::nullopt;
}

const std::vector<OrderState>& all_states() {
  static const std::vector<OrderState> v = [] {
    std::vector<OrderState> out;
    for (const auto& [state, name] : kStateNames) out.push_back(state);
    return out;
  }();
  return v;
}

std::string_view to_string(Action a) {
  for (const auto& [action, name] : kActionNames)
    if (action == a) return name;
  return "unknown";
}

std::optional<Action> parse_action(std::string_view text) {
  for (const auto& [action, name] : kActionNames)
    if (name == text) return action;
  return std::nullopt;
}

const std::vector<Action>& all_actions() {
  static const std::vector<Action> v = [] {
    std::vector<Action> out;
    for (const auto& [action, name] : kActionNames) out.push_back(action);
    return out;
  }();
  return v;
}

bool is_open(OrderState s) { return s != S::kClosed && s != S::kMerged; }

Result<OrderState> next_state(OrderState from, Action action) {
  for (const Transition& t : kTable)
    if (t.from == from && t.action == action) return t.to;
  return make_error(ErrorKind::kConflict, "invalid_transition",
                    std::string("cannot ")
                        .append(to_string(action))
                        .append(" an order that is ")
                        .append(to_string(from)),
                    "action");
}

}  // namespace sy::workflow
