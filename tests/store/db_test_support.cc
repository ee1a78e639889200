// Scratch databases for the store tests (see db_test_support.h).
#include "db_test_support.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "store/postgres_connection.h"

// LeakSanitizer: libpq 15 / libpqxx 6.4 leak one PGresult (~2 KB) per connection the server
// terminated (seen in ReconnectsAfterTheServerDroppedItsConnections); the allocation is inside
// libpq, called from libpqxx, never from our code. Only leaks whose stack passes through libpq
// are ignored.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpq.so.5\n"; }

namespace sy::store::testing {
namespace {

std::string random_suffix() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<std::uint64_t>(::getpid()));
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i) out.push_back(kHex[gen() % 16]);
  return out;
}

// The same server URL with another database name.
std::string with_database(const std::string& url, const std::string& name) {
  std::size_t scheme = url.find("://");
  std::size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::size_t query = url.find('?');
  std::string head = path == std::string::npos ? url.substr(0, query) : url.substr(0, path);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + name + tail;
}

// CREATE/DROP DATABASE run outside any transaction, on a plain connection to the server.
Status admin_exec(const std::string& sql) {
  auto admin = PostgresConnection::open(test_pg_url());
  if (!admin) return admin.error();
  return (*admin)->exec_script(sql);
}

}  // namespace

std::string backend_name(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgres";
}

std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) {
  return backend_name(info.param);
}

std::string test_pg_url() {
  const char* url = std::getenv("SY_TEST_PG_URL");
  return url ? url : "";
}

ScratchDatabase::ScratchDatabase(Backend backend) : backend_(backend) {
  std::string templ = (std::filesystem::temp_directory_path() / "sy-store-test-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    error_ = "cannot create a temp dir";
    return;
  }
  dir_ = templ;
  if (backend == Backend::kSqlite) {
    url_ = "sqlite:" + dir_ + "/test.db";
    return;
  }
  if (test_pg_url().empty()) {
    error_ = "SY_TEST_PG_URL is not set (./test.sh starts a throw-away PostgreSQL)";
    return;
  }
  pg_name_ = "sy_test_" + std::to_string(::getpid()) + "_" + random_suffix();
  Status created = admin_exec("CREATE DATABASE " + pg_name_ +
                              " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  if (!created) {
    error_ = "cannot create test database: " + created.error().message;
    pg_name_.clear();
    return;
  }
  url_ = with_database(test_pg_url(), pg_name_);
}

ScratchDatabase::~ScratchDatabase() {
  if (!pg_name_.empty()) (void)admin_exec("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void StoreTest::SetUp() {
  scratch_ = std::make_unique<ScratchDatabase>(GetParam());
  if (!scratch_->available()) {
    if (GetParam() == Backend::kPostgres && test_pg_url().empty()) {
      GTEST_SKIP() << scratch_->unavailable_reason();
    }
    FAIL() << scratch_->unavailable_reason();
  }
}

void StoreTest::TearDown() { scratch_.reset(); }

std::unique_ptr<Database> StoreTest::open_db(bool migrated, const DatabaseOptions& options) {
  auto db = Database::open(url(), options);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  if (!db) return nullptr;
  if (migrated) {
    auto applied = (*db)->migrate();
    EXPECT_TRUE(applied.ok()) << (applied.ok() ? "" : applied.error().message);
  }
  return std::move(*db);
}

KilledChild acked_until_killed(const std::function<void(int ack_fd)>& child, std::size_t want) {
  KilledChild out;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return out;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return out;
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  while (out.acked.size() < want) {
    std::int64_t id = 0;
    if (read(fds[0], &id, sizeof id) != static_cast<ssize_t>(sizeof id)) break;
    out.acked.insert(id);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &out.status, 0);
  close(fds[0]);
  return out;
}

}  // namespace sy::store::testing
