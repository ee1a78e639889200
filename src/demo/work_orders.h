// Demo work orders: a few thousand orders of every shipped type spread over the workflow's
// states, each walked there by the workflow engine itself so deadlines, numbers and audit rows
// are what the running system would have written.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "demo/generator.h"
#include "store/db.h"

namespace sy::demo {

// Installs the shipped work-order types (keeping edited ones) and adds
// min(3000, customers / 10) orders about random demo customers, created over the 30 days
// before `now_ms`. Runs inside the bulk loader's transaction, after the customers' indexes are
// back. Returns the number of orders written.
Result<std::int64_t> load_work_orders(store::Connection& conn, const DemoOptions& demo);

}  // namespace sy::demo
