// Loads the demo province into a database through the store's BulkLoader: migrates, refuses to
// load twice (unless asked to wipe), and streams customers from a producer thread into one
// connection with prepared statements and big transactions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "demo/floor.h"
#include "demo/generator.h"

namespace sy::demo {

struct LoadCounts {
  std::int64_t regions = 0;
  std::int64_t customers = 0;
  std::int64_t phones = 0;
  std::int64_t accounts = 0;
  std::int64_t bills = 0;
  std::int64_t payments = 0;
  std::int64_t outages = 0;
  std::int64_t contacts = 0;
  std::int64_t work_orders = 0;
  std::int64_t kb_articles = 0;
};

struct LoadResult {
  LoadCounts counts;
  std::vector<DemoPin> pins;  // accounts with a known IVR PIN
  FloorResult floor;          // skills, queues, agents and supervisors
};

struct LoadOptions {
  std::string db_url;
  DemoOptions demo;
  std::string sip_realm = "switchyard.local";  // digest realm of the demo agents' phones
  // Wipe customers, accounts, bills, payments, outages, contacts, work orders and the knowledge
  // base first instead of refusing.
  bool force = false;
  // Called now and then from the loading thread with customers loaded so far.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  // Called when a step after the customers starts (e.g. "rebuilding indexes").
  std::function<void(const std::string& step)> step;
};

// Errors: kConflict "demo_data_exists" when the database already has customers and !force;
// store errors otherwise.
Result<LoadResult> load_demo(const LoadOptions& options);

// The secondary indexes dropped during the bulk insert and recreated after, as the migration
// defines them (kept verbatim; a test compares them with the migration file).
const std::vector<std::pair<std::string, std::string>>& bulk_secondary_indexes();

}  // namespace sy::demo
