// The loading thread inserts while a producer thread generates the next customers, so the two
// cores of a small machine both work. Secondary indexes are dropped for the insert and rebuilt
// in one pass at the end, which is much faster than maintaining them row by row.
#include "demo/loader.h"

#include "demo/call_history.h"
#include "demo/work_orders.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "demo/kb_articles.h"
#include "store/db.h"

namespace sy::demo {
namespace {

using store::BulkLoader;
using store::Connection;
using store::Value;

constexpr std::size_t kBatch = 1000;           // customers per hand-over between threads
constexpr std::int64_t kCommitEvery = 100000;  // customers per transaction

// Batches travel from the producer to the loader and back for reuse.
class BatchPipe {
 public:
  using Batch = std::vector<CustomerBundle>;
  explicit BatchPipe(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) free_.emplace_back(kBatch);
  }
  std::optional<Batch> take_free() { return take(free_); }
  void put_full(Batch b) { put(full_, std::move(b)); }
  std::optional<Batch> take_full() { return take(full_); }
  void put_free(Batch b) { put(free_, std::move(b)); }
  // No more full batches will come (producer done) or none are wanted (loader failed).
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 private:
  std::optional<Batch> take(std::deque<Batch>& q) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !q.empty() || closed_; });
    if (q.empty()) return std::nullopt;
    Batch b = std::move(q.front());
    q.pop_front();
    return b;
  }
  void put(std::deque<Batch>& q, Batch b) {
    std::lock_guard lock(mu_);
    q.push_back(std::move(b));
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> free_, full_;
  bool closed_ = false;
};

// The tables filled per customer, in foreign-key order, with their columns.
struct TableSpec {
  const char* table;
  const char* columns;
  int n_columns;
};
enum Table { kCustomers, kPhones, kAccounts, kBills, kPayments, kContacts, kTableCount };
constexpr TableSpec kTables[kTableCount] = {
    {"customers",
     "id, customer_no, name, kind, id_number, address, region_code, vip_level, language, "
     "vulnerable, note, created_at, updated_at",
     13},
    {"customer_phones", "phone, customer_id, kind", 3},
    {"accounts",
     "id, account_no, customer_id, kind, meter_no, tariff, address, region_code, balance_fen, "
     "arrears_fen, pin_hash, status, created_at, updated_at",
     14},
    {"bills", "account_id, period, kwh, amount_fen, paid_fen, due_date, status, issued_at", 8},
    {"payments", "account_id, amount_fen, channel, reference, paid_at", 5},
    {"contacts",
     "customer_id, channel, direction, phone, category, disposition, summary, region_code, "
     "started_at, ended_at",
     10},
};
// Rows per multi-row INSERT: one statement execution carries many rows, which saves most of
// the per-statement cost (and, on PostgreSQL, the round trips).
constexpr int kRowsPerInsert = 64;

// INSERT INTO t (cols) VALUES ($1, ..), (..) for `rows` rows.
std::string insert_sql(const TableSpec& t, int rows) {
  std::string sql = std::string("INSERT INTO ") + t.table + " (" + t.columns + ") VALUES ";
  int n = 0;
  for (int r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (int c = 0; c < t.n_columns; ++c) sql += (c ? ", $" : "$") + std::to_string(++n);
    sql += ")";
  }
  return sql;
}
std::string single_name(int t) { return std::string(kTables[t].table) + "_1"; }
std::string multi_name(int t) { return std::string(kTables[t].table) + "_n"; }

constexpr const char* kRegionUpsert =
    "INSERT INTO regions (code, parent_code, name, level, area_class, centre) VALUES ($1, $2, $3, "
    "$4, $5, $6) ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name = "
    "excluded.name, level = excluded.level, area_class = excluded.area_class, centre = "
    "excluded.centre";

Status prepare_statements(BulkLoader& bulk) {
  for (int t = 0; t < kTableCount; ++t) {
    SY_TRY(bulk.prepare(single_name(t), insert_sql(kTables[t], 1)));
    SY_TRY(bulk.prepare(multi_name(t), insert_sql(kTables[t], kRowsPerInsert)));
  }
  return bulk.prepare("region", kRegionUpsert);
}

// Children first, so foreign keys hold at every step.
constexpr const char* kWipeOrder[] = {
    "work_order_attachments", "work_order_transitions", "work_orders", "work_order_counters",
    "contacts",               "outage_areas",           "outages",     "payments",
    "bills",                  "accounts",               "customer_phones", "customers"};

Value text(const std::string& s) { return Value{s}; }
Value num(std::int64_t v) { return Value{v}; }

// Buffers a batch of customers table by table, then writes parents before children.
class Inserter {
 public:
  explicit Inserter(BulkLoader& bulk) : bulk_(bulk) {
    for (int t = 0; t < kTableCount; ++t) {
      single_names_[t] = single_name(t);
      multi_names_[t] = multi_name(t);
    }
  }

  void add(const CustomerBundle& b, LoadCounts& counts) {
    const CustomerRow& c = b.customer;
    push(kCustomers, c.id, c.customer_no, c.name, c.kind, c.id_number, c.address, c.region_code,
         c.vip_level, c.language, c.vulnerable ? 1 : 0, c.note, c.created_at, c.created_at);
    for (const auto& p : b.phones) push(kPhones, p.phone, c.id, p.kind);
    for (const auto& a : b.accounts) {
      push(kAccounts, a.id, a.account_no, c.id, a.kind, a.meter_no, a.tariff, a.address,
           a.region_code, a.balance_fen, a.arrears_fen, a.pin_hash, a.status, a.created_at,
           a.created_at);
    }
    for (const auto& r : b.bills) {
      push(kBills, r.account_id, r.period, r.kwh, r.amount_fen, r.paid_fen, r.due_date, r.status,
           r.issued_at);
    }
    for (const auto& p : b.payments)
      push(kPayments, p.account_id, p.amount_fen, p.channel, p.reference, p.paid_at);
    for (const auto& k : b.contacts) {
      push(kContacts, c.id, k.channel, k.direction, k.phone, k.category, k.disposition, k.summary,
           k.region_code, k.started_at, k.ended_at);
    }
    counts.customers += 1;
    counts.phones += static_cast<std::int64_t>(b.phones.size());
    counts.accounts += static_cast<std::int64_t>(b.accounts.size());
    counts.bills += static_cast<std::int64_t>(b.bills.size());
    counts.payments += static_cast<std::int64_t>(b.payments.size());
    counts.contacts += static_cast<std::int64_t>(b.contacts.size());
  }

  // Writes everything buffered, table by table in foreign-key order.
  Status flush() {
    for (int t = 0; t < kTableCount; ++t) {
      Buffer& buffer = buffers_[t];
      auto width = static_cast<std::size_t>(kTables[t].n_columns);
      std::size_t rows = buffer.used / width;
      std::size_t done = 0;
      std::span<const Value> all(buffer.values.data(), buffer.used);
      for (; done + kRowsPerInsert <= rows; done += kRowsPerInsert)
        SY_TRY(bulk_.insert(multi_names_[t], all.subspan(done * width, kRowsPerInsert * width)));
      for (; done < rows; ++done)
        SY_TRY(bulk_.insert(single_names_[t], all.subspan(done * width, width)));
      buffer.used = 0;
    }
    return ok_status();
  }

 private:
  // Values stay allocated between batches and strings are assigned in place, so after the first
  // batch the buffers reuse their memory instead of allocating for every column of every row.
  struct Buffer {
    std::vector<Value> values;
    std::size_t used = 0;
  };
  static void put(Buffer& b, const std::string& s) {
    if (b.used == b.values.size())
      b.values.emplace_back(s);
    else if (auto* slot = std::get_if<std::string>(&b.values[b.used]))
      slot->assign(s);
    else
      b.values[b.used] = s;
    ++b.used;
  }
  static void put(Buffer& b, std::int64_t v) {
    if (b.used == b.values.size())
      b.values.emplace_back(v);
    else
      b.values[b.used] = v;
    ++b.used;
  }
  template <class... Columns>
  void push(Table t, const Columns&... row) {
    (put(buffers_[t], row), ...);
  }

  BulkLoader& bulk_;
  Buffer buffers_[kTableCount];
  std::string single_names_[kTableCount];
  std::string multi_names_[kTableCount];
};

// Migrates, and tells whether previous demo data must be wiped (refusing unless forced).
Result<bool> check_empty(const LoadOptions& options) {
  auto db = store::Database::open(options.db_url);
  if (!db) return db.error();
  auto migrated = (*db)->migrate();
  if (!migrated) return migrated.error();
  bool has_customers = false;
  SY_TRY((*db)->read([&](Connection& conn) -> Status {
    auto row = conn.query_one("SELECT id FROM customers LIMIT 1");
    if (!row) return row.error();
    has_customers = row->has_value();
    return ok_status();
  }));
  if (has_customers && !options.force) {
    return make_error(ErrorKind::kConflict, "demo_data_exists",
                      (*db)->display_url() +
                          " already has customers; demo-data loads only into an empty database "
                          "(use --force to wipe customers, accounts, bills, payments, outages and "
                          "contacts first)");
  }
  return has_customers;
}

// Runs on the bulk connection with the secondary indexes dropped (and on SQLite without
// foreign key checks, where DELETE without WHERE then truncates instead of going row by row).
Status wipe(Connection& conn) {
  for (const char* table : kWipeOrder) SY_TRY(conn.exec(std::string("DELETE FROM ") + table));
  // The work-order report summaries go with the orders (their audit-row watermark too).
  for (const char* table : {"report_work_orders_15m", "report_work_orders_day", "report_wo_states_day"})
    SY_TRY(conn.exec(std::string("DELETE FROM ") + table));
  SY_TRY(conn.exec("DELETE FROM report_watermarks WHERE name = 'work_order_transitions'"));
  return ok_status();
}

Status load_regions(BulkLoader& bulk, const Generator& gen, LoadCounts& counts) {
  std::vector<Value> params;
  for (const auto& r : gen.regions()) {
    params.assign({text(r.code), r.parent_code.empty() ? Value{} : text(r.parent_code),
                   text(r.name), text(r.level), text(r.area_class), text(r.centre)});
    SY_TRY(bulk.insert("region", params));
    ++counts.regions;
  }
  return ok_status();
}

Status load_outages(Connection& conn, const Generator& gen, LoadCounts& counts) {
  for (const auto& o : gen.outages()) {
    std::int64_t created = o.kind == "planned" ? o.starts_at - 3 * 86400000LL : o.starts_at;
    std::vector<Value> params = {text(o.kind),
                                 text(o.reason),
                                 text(o.description),
                                 num(o.starts_at),
                                 store::int_or_null(o.ends_at),
                                 store::int_or_null(o.restored_at),
                                 text(o.status),
                                 num(created),
                                 num(created)};
    auto id = conn.insert_returning_id(
        "INSERT INTO outages (kind, reason, description, starts_at, ends_at, restored_at, status, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        params);
    if (!id) return id.error();
    for (const auto& code : o.area_codes) {
      std::vector<Value> area = {text(code), num(*id)};
      SY_TRY(conn.exec("INSERT INTO outage_areas (region_code, outage_id) VALUES ($1, $2)", area));
    }
    ++counts.outages;
  }
  return ok_status();
}

Status set_indexes(Connection& conn, bool present) {
  // SQLite may sort with a helper thread while building an index: the producer is idle by then.
  if (present && conn.dialect() == store::Dialect::kSqlite)
    SY_TRY(conn.exec_script("PRAGMA threads=2"));
  for (const auto& [name, create] : bulk_secondary_indexes())
    SY_TRY(present ? conn.exec_script(create) : conn.exec_script("DROP INDEX IF EXISTS " + name));
  return ok_status();
}

// Moves customers from a producer thread into the database; the producer stops early if the
// loader fails.
Status stream_customers(BulkLoader& bulk, Generator& gen, const LoadOptions& options,
                        LoadCounts& counts) {
  BatchPipe pipe(4);
  std::thread producer([&] {
    while (auto batch = pipe.take_free()) {
      std::size_t n = 0;
      while (n < batch->size() && gen.next((*batch)[n])) ++n;
      if (n == 0) break;
      batch->resize(n);
      pipe.put_full(std::move(*batch));
      if (n < kBatch) break;
    }
    pipe.close();
  });
  Inserter inserter(bulk);
  Status status;
  std::int64_t since_commit = 0;
  while (auto batch = pipe.take_full()) {
    for (auto& b : *batch) inserter.add(b, counts);
    since_commit += static_cast<std::int64_t>(batch->size());
    batch->resize(kBatch);
    pipe.put_free(std::move(*batch));
    status = inserter.flush();
    if (status.ok() && since_commit >= kCommitEvery) {
      since_commit = 0;
      status = bulk.checkpoint();
    }
    if (!status.ok()) {
      pipe.close();
      break;
    }
    if (options.progress) options.progress(counts.customers, options.demo.customers);
  }
  producer.join();
  return status;
}

// SQLite: checking every bill's account and every account's customer costs a quarter of the
// load time, and the generator builds references only to rows it inserted just before (the
// loader test runs PRAGMA foreign_key_check to prove it). The pragma only takes effect outside a
// transaction, so the bulk loader's open transaction is committed (empty) and reopened.
Status skip_foreign_key_checks(Connection& conn) {
  if (conn.dialect() != store::Dialect::kSqlite) return ok_status();
  return conn.exec_script("COMMIT; PRAGMA foreign_keys=OFF; BEGIN");
}

// PostgreSQL identity columns do not advance when ids are given explicitly.
Status advance_sequences(Connection& conn) {
  if (conn.dialect() != store::Dialect::kPostgres) return ok_status();
  for (const char* table : {"customers", "accounts"}) {
    std::string t = table;
    SY_TRY(conn.query("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), " +
                      "(SELECT COALESCE(MAX(id), 0) + 1 FROM " + t + "), false)"));
  }
  return ok_status();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& bulk_secondary_indexes() {
  static const std::vector<std::pair<std::string, std::string>> kIndexes = {
      {"customers_region", "CREATE INDEX customers_region ON customers(region_code);"},
      {"customers_name", "CREATE INDEX customers_name ON customers(name);"},
      {"customer_phones_customer",
       "CREATE INDEX customer_phones_customer ON customer_phones(customer_id);"},
      {"accounts_customer", "CREATE INDEX accounts_customer ON accounts(customer_id);"},
      {"accounts_arrears",
       "CREATE INDEX accounts_arrears ON accounts(customer_id) WHERE arrears_fen > 0;"},
      {"bills_account_period",
       "CREATE UNIQUE INDEX bills_account_period ON bills(account_id, period);"},
      {"payments_account", "CREATE INDEX payments_account ON payments(account_id, paid_at);"},
      {"contacts_customer", "CREATE INDEX contacts_customer ON contacts(customer_id, started_at);"},
  };
  return kIndexes;
}

Result<LoadResult> load_demo(const LoadOptions& options) {
  auto needs_wipe = check_empty(options);
  if (!needs_wipe) return needs_wipe.error();
  auto opened = BulkLoader::open(options.db_url);
  if (!opened) return opened.error();
  BulkLoader& bulk = **opened;
  SY_TRY(prepare_statements(bulk));
  SY_TRY(skip_foreign_key_checks(bulk.connection()));
  SY_TRY(set_indexes(bulk.connection(), false));
  if (*needs_wipe) {
    if (options.step) options.step("wiping the previous demo data");
    SY_TRY(wipe(bulk.connection()));
  }

  Generator gen(options.demo);
  LoadResult result;
  SY_TRY(load_regions(bulk, gen, result.counts));
  Status streamed = stream_customers(bulk, gen, options, result.counts);
  // Indexes come back even when the load failed half-way, so the schema stays whole.
  if (options.step) options.step("rebuilding indexes");
  Status indexed = set_indexes(bulk.connection(), true);
  if (!streamed.ok()) return streamed.error();
  if (!indexed.ok()) return indexed.error();
  SY_TRY(load_outages(bulk.connection(), gen, result.counts));
  auto orders = load_work_orders(bulk.connection(), options.demo);
  if (!orders) return orders.error();
  result.counts.work_orders = *orders;
  auto kb = load_kb_demo(bulk.connection(), gen.province(),
                         from_unix_ms(options.demo.now_ms), *needs_wipe);
  if (!kb) return kb.error();
  result.counts.kb_articles = *kb;
  SY_TRY(advance_sequences(bulk.connection()));
  SY_TRY(bulk.finish());
  result.pins = gen.pins();
  if (options.step) options.step("creating skills, queues, agents and supervisors");
  auto db = store::Database::open(options.db_url);
  if (!db) return db.error();
  ManualClock at(from_unix_ms(options.demo.now_ms));
  FloorOptions floor;
  floor.seed = options.demo.seed;
  floor.sip_realm = options.sip_realm;
  auto loaded = load_floor(**db, at, gen.regions(), floor);
  if (!loaded) return loaded.error();
  result.floor = std::move(*loaded);
  if (options.step) options.step("recording a week of demo calls for the reports");
  auto history = load_call_history(**db, at.now(), gen.regions(), options.demo.seed);
  if (!history) return history.error();
  return result;
}

}  // namespace sy::demo
