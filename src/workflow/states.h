// Work-order states and the actions that move an order between them, with the one transition
// table of the state machine (design §9). An action not in the table for a state is an error
// value naming the state and the action.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::workflow {

enum class OrderState {
  kNew,
  kDispatched,
  kAccepted,
  kInProgress,
  kResolved,
  kReturnVisit,
  kClosed,
  kReturned,   // sent back by the taker (wrong department, missing information)
  kReopened,   // the customer was not satisfied, or the problem came back
  kEscalated,  // a deadline was missed: the next level up the region tree takes over
  kMerged,     // a duplicate attached to a parent order (e.g. one outage, many calls)
};

enum class Action {
  kDispatch,
  kAccept,
  kStart,    // crew on site / first contact with the customer made
  kResolve,  // the current step is done (the last step resolves the order)
  kReturn,
  kVisit,    // return visit begins
  kClose,
  kReopen,
  kUrge,     // 催办: a reminder to the taker, state unchanged
  kEscalate, // only the deadline checker escalates
};

std::string_view to_string(OrderState s);
std::optional<OrderState> parse_state(std::string_view text);
const std::vector<OrderState>& all_states();
std::string_view to_string(Action a);
std::optional<Action> parse_action(std::string_view text);
const std::vector<Action>& all_actions();

// Closed and merged orders need no more work; every other state is open.
bool is_open(OrderState s);

// The state `action` leads to from `from`, per the table. Conflict "invalid_transition"
// ("cannot <action> an order that is <from>") when the table has no such entry.
Result<OrderState> next_state(OrderState from, Action action);

}  // namespace sy::workflow
