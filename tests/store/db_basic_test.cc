// The database layer on both dialects: opening, migrations, placeholders, NULLs, constraint
// errors and clear messages for databases that cannot be used.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "db_test_support.h"
#include "store/migrations.h"
#include "store/postgres_connection.h"
#include "store/sqlite_connection.h"

namespace sy::store {
namespace {

using testing::Backend;
using testing::cat;
using testing::StoreTest;

constexpr std::int64_t kNow = 1700000000000;

Status add_region(Connection& c, const std::string& code, const std::string& name) {
  const Value p[] = {Value{code}, Value{name}};
  auto done = c.exec("INSERT INTO regions (code, name, level) VALUES ($1, $2, 'city')", p);
  if (!done) return done.error();
  return ok_status();
}

class DbTest : public StoreTest {};

TEST_P(DbTest, MigrationsApplyOnceAndAreIdempotent) {
  auto db = open_db(false);
  ASSERT_TRUE(db);
  auto before = db->schema_version();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*before, 0);

  auto known = known_migrations();
  ASSERT_TRUE(known.ok());
  auto first = db->migrate();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, static_cast<int>(known->size()));
  auto second = db->migrate();
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(*second, 0);
  auto version = db->schema_version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, known->back().version);

  // The schema is really there: the foundation tables answer.
  Status read = db->read([](Connection& c) -> Status {
    auto rows = c.query("SELECT COUNT(*) FROM customers");
    if (!rows) return rows.error();
    EXPECT_EQ(rows->at(0).i64(0), 0);
    return ok_status();
  });
  EXPECT_TRUE(read.ok()) << read.error().message;

  // Reopening a migrated database applies nothing.
  db.reset();
  auto again = open_db(false);
  ASSERT_TRUE(again);
  auto third = again->migrate();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, 0);
}

TEST_P(DbTest, IdentityKeysAndReturningId) {
  auto db = open_db();
  ASSERT_TRUE(db);
  std::int64_t first = 0, second = 0;
  Status written = db->write([&](Connection& c) -> Status {
    const Value p[] = {Value{kNow}, Value{std::string("test.one")}};
    auto id =
        c.insert_returning_id("INSERT INTO audit_log (at, action) VALUES ($1, $2) RETURNING id", p);
    if (!id) return id.error();
    first = *id;
    auto id2 =
        c.insert_returning_id("INSERT INTO audit_log (at, action) VALUES ($1, $2) RETURNING id", p);
    if (!id2) return id2.error();
    second = *id2;
    return ok_status();
  });
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_GT(first, 0);
  EXPECT_EQ(second, first + 1);
}

TEST_P(DbTest, PlaceholdersLeaveStringsAndCommentsAlone) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Status read = db->read([](Connection& c) -> Status {
    const Value p[] = {Value{std::string("x$2y")}, Value{std::int64_t{7}}};
    auto row = c.query_one(
        "SELECT 'costs $1 or $2' AS literal, $1 AS first, -- a $3 comment\n"
        " $2 + 1 AS second /* and $9 here */",
        p);
    if (!row) return row.error();
    EXPECT_TRUE(row->has_value());
    EXPECT_EQ((*row)->text(0), "costs $1 or $2");
    EXPECT_EQ((*row)->text(1), "x$2y");
    EXPECT_EQ((*row)->i64(2), 8);
    return ok_status();
  });
  EXPECT_TRUE(read.ok()) << read.error().message;
}

TEST_P(DbTest, NullsRoundTrip) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Status written = db->write([](Connection& c) -> Status {
    const Value p[] = {Value{std::string("alice")}, text_or_null(std::nullopt),
                       int_or_null(std::nullopt), Value{kNow}, Value{std::string("张三")}};
    auto done = c.exec(
        "INSERT INTO users (username, display_name, role, region_code, locked_until, "
        "password_hash, created_at, updated_at) VALUES ($1, $5, 'agent', $2, $3, 'h', $4, $4)",
        p);
    if (!done) return done.error();
    EXPECT_EQ(*done, 1);
    return ok_status();
  });
  ASSERT_TRUE(written.ok()) << written.error().message;
  Status read = db->read([](Connection& c) -> Status {
    const Value p[] = {Value{std::string("alice")}};
    auto row = c.query_one(
        "SELECT region_code, locked_until, display_name, created_at, extension FROM users "
        "WHERE username = $1",
        p);
    if (!row) return row.error();
    EXPECT_TRUE(row->has_value());
    EXPECT_TRUE((*row)->is_null(0));
    EXPECT_EQ((*row)->opt_text(0), std::nullopt);
    EXPECT_EQ((*row)->opt_i64(1), std::nullopt);
    EXPECT_EQ((*row)->text(2), "张三");
    EXPECT_EQ((*row)->opt_i64(3), kNow);
    EXPECT_TRUE((*row)->is_null(4));
    return ok_status();
  });
  EXPECT_TRUE(read.ok()) << read.error().message;
}

TEST_P(DbTest, ConstraintViolationsAreConflicts) {
  auto db = open_db();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->write([](Connection& c) { return add_region(c, "350100", "福州市"); }).ok());

  Status duplicate = db->write([](Connection& c) { return add_region(c, "350100", "again"); });
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(duplicate.error().code, "unique_violation");
  EXPECT_NE(duplicate.error().message.find("regions"), std::string::npos)
      << duplicate.error().message;

  Status orphan = db->write([](Connection& c) -> Status {
    const Value p[] = {Value{std::string("C1")}, Value{std::string("999999")}, Value{kNow}};
    auto done = c.exec(
        "INSERT INTO customers (customer_no, name, region_code, created_at, updated_at) "
        "VALUES ($1, 'x', $2, $3, $3)",
        p);
    if (!done) return done.error();
    return ok_status();
  });
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(orphan.error().code, "foreign_key_violation");
  if (backend() == Backend::kPostgres) {
    EXPECT_NE(orphan.error().message.find("customers_region_code_fkey"), std::string::npos)
        << orphan.error().message;
  }

  // Nothing half-written: the failed writes left no rows behind.
  Status read = db->read([](Connection& c) -> Status {
    auto rows = c.query("SELECT (SELECT COUNT(*) FROM regions), (SELECT COUNT(*) FROM customers)");
    if (!rows) return rows.error();
    EXPECT_EQ(rows->at(0).i64(0), 1);
    EXPECT_EQ(rows->at(0).i64(1), 0);
    return ok_status();
  });
  EXPECT_TRUE(read.ok());
}

TEST_P(DbTest, BadSqlIsAnInternalErrorNotACrash) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Status read = db->read([](Connection& c) -> Status {
    auto rows = c.query("SELECT nope FROM nowhere");
    EXPECT_FALSE(rows.ok());
    if (!rows.ok()) {
      EXPECT_EQ(rows.error().kind, ErrorKind::kInternal);
      EXPECT_EQ(rows.error().code, "database_error");
    }
    return ok_status();
  });
  // On PostgreSQL the failed statement spoils the read snapshot; the read still ends cleanly.
  (void)read;
  EXPECT_TRUE(db->ping().ok());
}

TEST_P(DbTest, ManyDistinctStatementsOutgrowTheStatementCache) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Status read = db->read([](Connection& c) -> Status {
    for (int n = 0; n < 700; ++n) {  // more than the 512 statements a connection keeps
      const Value p[] = {Value{std::int64_t{n}}};
      auto row = c.query_one(cat("SELECT CAST($1 AS BIGINT) + ", n), p);
      if (!row) return row.error();
      EXPECT_EQ((*row)->i64(0), 2 * n);
    }
    return ok_status();
  });
  EXPECT_TRUE(read.ok()) << read.error().message;
}

TEST_P(DbTest, PingAndDisplayUrl) {
  auto db = open_db();
  ASSERT_TRUE(db);
  EXPECT_TRUE(db->ping().ok());
  EXPECT_EQ(db->dialect(), backend() == Backend::kSqlite ? Dialect::kSqlite : Dialect::kPostgres);
  EXPECT_EQ(db->display_url().find(":secret@"), std::string::npos);
}

TEST_P(DbTest, BulkLoaderLoadsRowsTheServerThenSees) {
  open_db();  // migrated, then closed: bulk loading is an offline job
  auto loader = BulkLoader::open(url());
  ASSERT_TRUE(loader.ok()) << loader.error().message;
  ASSERT_TRUE((*loader)
                  ->prepare("region",
                            "INSERT INTO regions (code, name, level) "
                            "VALUES ($1, $2, 'area')")
                  .ok());
  for (int i = 0; i < 2500; ++i) {
    const Value p[] = {Value{cat("R", i)}, Value{cat("区域", i)}};
    ASSERT_TRUE((*loader)->insert("region", p).ok());
    if (i % 1000 == 999) {
      ASSERT_TRUE((*loader)->checkpoint().ok());
    }
  }
  const Value p[] = {Value{std::string("R1")}, Value{std::string("dup")}};
  Status dup = (*loader)->insert("region", p);
  EXPECT_EQ(dup.ok() ? "" : dup.error().code, "unique_violation");
  EXPECT_EQ((*loader)->insert("nope", p).ok() ? "" : "err", "err");
  if (backend() == Backend::kPostgres) {
    // The failed insert aborted PostgreSQL's transaction: roll back to the last checkpoint.
    ASSERT_TRUE((*loader)->connection().exec_script("ROLLBACK; BEGIN").ok());
  }
  ASSERT_TRUE((*loader)->finish().ok());
  loader->reset();

  auto db = open_db(false);
  ASSERT_TRUE(db);
  std::int64_t count = 0;
  ASSERT_TRUE(db->read([&](Connection& c) -> Status {
                  auto rows = c.query("SELECT COUNT(*) FROM regions");
                  if (!rows) return rows.error();
                  count = rows->at(0).i64(0);
                  return ok_status();
                }).ok());
  EXPECT_EQ(count, backend() == Backend::kSqlite ? 2500 : 2000);
}

TEST_P(DbTest, ReconnectsAfterTheServerDroppedItsConnections) {
  if (backend() != Backend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  auto db = open_db();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ping().ok());
  {
    auto admin = PostgresConnection::open(url());
    ASSERT_TRUE(admin.ok());
    auto killed = (*admin)->query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    ASSERT_TRUE(killed.ok()) << killed.error().message;
    EXPECT_GE(killed->size(), 2u);  // the writer and at least one reader
  }
  // Every pooled connection was dropped; each reconnects on its next use.
  for (int i = 0; i < 8; ++i) {
    Status ping = db->ping();
    EXPECT_TRUE(ping.ok()) << ping.error().message;
  }
  Status written = db->write([](Connection& c) { return add_region(c, "350200", "厦门市"); });
  EXPECT_TRUE(written.ok()) << written.error().message;
}

SY_STORE_TEST_BOTH_BACKENDS(DbTest);

// ---- SQLite specifics and opening errors (no server needed) ----

TEST(SqlitePlaceholders, RewritesOnlyOutsideLiterals) {
  EXPECT_EQ(rewrite_placeholders("SELECT $1, '$2', \"$3\", $10 -- $4\n/* $5 */ $2"),
            "SELECT ?1, '$2', \"$3\", ?10 -- $4\n/* $5 */ ?2");
  EXPECT_EQ(rewrite_placeholders("SELECT 'it''s $1', $1"), "SELECT 'it''s $1', ?1");
  EXPECT_EQ(rewrite_placeholders("SELECT '$"), "SELECT '$");
}

TEST(Migrations, IdPkBecomesTheDialectsKey) {
  EXPECT_EQ(translate_migration("id ID_PK, xID_PK, ID_PKS", Dialect::kSqlite),
            "id INTEGER PRIMARY KEY, xID_PK, ID_PKS");
  EXPECT_EQ(translate_migration("id ID_PK,", Dialect::kPostgres),
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,");
}

TEST(OpenErrors, CorruptFileIsAClearError) {
  testing::ScratchDatabase scratch(Backend::kSqlite);
  std::string path = scratch.dir() + "/corrupt.db";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not a database ";
  }
  auto db = Database::open("sqlite:" + path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(db.error().code, "database_unavailable");
  EXPECT_NE(db.error().message.find(path), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("not a database"), std::string::npos) << db.error().message;
}

TEST(OpenErrors, MissingDataDirIsCreated) {
  testing::ScratchDatabase scratch(Backend::kSqlite);
  std::string path = scratch.dir() + "/var/data/switchyard.db";
  auto db = Database::open("sqlite:" + path);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenErrors, UnusableDirectoryIsAClearError) {
  testing::ScratchDatabase scratch(Backend::kSqlite);
  std::string file = scratch.dir() + "/plain-file";
  std::ofstream(file) << "x";
  auto db = Database::open("sqlite:" + file + "/sub/switchyard.db");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "database_unavailable");
  EXPECT_NE(db.error().message.find("plain-file"), std::string::npos) << db.error().message;
}

TEST(OpenErrors, UnreachablePostgresIsAClearErrorWithoutPassword) {
  auto db = Database::open("postgresql://sy:secret@127.0.0.1:1/switchyard");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(db.error().code, "database_unavailable");
  EXPECT_NE(db.error().message.find("postgresql://sy@127.0.0.1:1/switchyard"), std::string::npos)
      << db.error().message;
  EXPECT_EQ(db.error().message.find("secret"), std::string::npos) << db.error().message;
}

TEST(OpenErrors, UnknownUrlSchemeIsInvalidInput) {
  auto db = Database::open("mysql://root@localhost/x");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "invalid_database_url");
}

TEST(OpenErrors, RedactsPasswordsFromUrls) {
  EXPECT_EQ(redact_postgres_url("postgresql://u:p@h:5432/d"), "postgresql://u@h:5432/d");
  EXPECT_EQ(redact_postgres_url("postgresql://h/d?sslmode=off&password=x"),
            "postgresql://h/d?sslmode=off");
  EXPECT_EQ(redact_postgres_url("postgresql://h/d?password=x&a=b"), "postgresql://h/d?a=b");
}

TEST(OpenErrors, MemoryDatabaseIsPrivateAndThrowAway) {
  auto a = Database::open("sqlite::memory:");
  auto b = Database::open("sqlite::memory:");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->migrate().ok());
  auto vb = (*b)->schema_version();
  ASSERT_TRUE(vb.ok());
  EXPECT_EQ(*vb, 0);
  EXPECT_EQ((*a)->display_url(), "sqlite::memory:");
}

}  // namespace
}  // namespace sy::store
