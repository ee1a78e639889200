// `switchyard serve`: opens and migrates the database, creates the first admin on an empty
// database (password printed once), starts the control loop and the HTTP server, and runs
// until SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "api/api.h"
#include "app/acd_events.h"
#include "app/acd_service.h"
#include "app/commands.h"
#include "app/control_loop.h"
#include "app/desktop_presence.h"
#include "app/telephony.h"
#include "auth/secrets.h"
#include "config/config.h"
#include "events/hub_metrics.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "notify/deadline_alerts.h"
#include "notify/sms_worker.h"
#include "store/db.h"
#include "store/repositories.h"

namespace sy::app {
namespace {

std::string fmt_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Creates `admin` with a random password when no admin exists yet; the password is printed
// once and never stored in clear.
Status ensure_first_admin(store::Repositories& repos) {
  auto admins = repos.users.count_admins();
  if (!admins) return admins.error();
  if (*admins > 0) return {};
  std::string password = auth::random_password();
  auto hash = auth::hash_password(password);
  if (!hash) return hash.error();
  store::NewUser admin;
  admin.username = "admin";
  admin.display_name = "系统管理员";
  admin.role = auth::Role::kAdmin;
  admin.password_hash = *hash;
  auto created = repos.users.create(admin);
  if (!created && created.error().code == "username_taken") {
    // A demoted or disabled 'admin' exists: give the role back with a fresh password.
    auto existing = repos.users.get_by_username("admin");
    if (!existing) return existing.error();
    store::UserUpdate u;
    u.role = auth::Role::kAdmin;
    u.disabled = false;
    u.password_hash = *hash;
    auto updated = repos.users.update(existing->id, u);
    if (!updated) return updated.error();
  } else if (!created) {
    return created.error();
  }
  std::printf(
      "\n  首次启动 / first start: 管理员账号 admin，密码 %s\n"
      "  The admin password is shown this once only: write it down and change it after signing "
      "in.\n\n",
      password.c_str());
  std::fflush(stdout);
  return {};
}

void register_db_metrics(metrics::Registry& registry, store::Database& db) {
  registry.add_collector([&db](std::string& out) {
    auto s = db.commit_stats();
    out += "# HELP sy_db_commits_total Group commits done by the database writer.\n";
    out += "# TYPE sy_db_commits_total counter\n";
    out += "sy_db_commits_total " + std::to_string(s.commits) + "\n";
    out += "# HELP sy_db_writes_total Writes committed by the database writer.\n";
    out += "# TYPE sy_db_writes_total counter\n";
    out += "sy_db_writes_total " + std::to_string(s.writes) + "\n";
    out += "# HELP sy_db_commit_duration_seconds Latency of one group commit.\n";
    out += "# TYPE sy_db_commit_duration_seconds histogram\n";
    for (std::size_t i = 0; i < s.bucket_bounds_s.size() && i < s.bucket_counts.size(); ++i)
      out += "sy_db_commit_duration_seconds_bucket{le=\"" + fmt_double(s.bucket_bounds_s[i]) +
             "\"} " + std::to_string(s.bucket_counts[i]) + "\n";
    out += "sy_db_commit_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(s.commits) + "\n";
    out += "sy_db_commit_duration_seconds_sum " + fmt_double(s.sum_s) + "\n";
    out += "sy_db_commit_duration_seconds_count " + std::to_string(s.commits) + "\n";
  });
}

int wait_for_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  // Block the stop signals before any thread starts, so only wait_for_signal receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> rest;
  auto config = config::load(args, config::environment(), &rest);
  if (!config) {
    std::fprintf(stderr, "switchyard serve: %s\n", config.error().message.c_str());
    return 2;
  }
  if (!rest.empty()) {
    std::fprintf(stderr, "switchyard serve: unknown argument '%s'\n", rest[0].c_str());
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  auto db = store::Database::open(config->db_url);
  if (!db) {
    std::fprintf(stderr, "switchyard serve: %s\n", db.error().message.c_str());
    return 1;
  }
  auto applied = (*db)->migrate();
  if (!applied) {
    std::fprintf(stderr, "switchyard serve: migrating %s: %s\n", (*db)->display_url().c_str(),
                 applied.error().message.c_str());
    return 1;
  }
  if (*applied > 0) spdlog::info("applied {} migration(s) to {}", *applied, (*db)->display_url());

  api::ApiOptions options;
  options.session_ttl = std::chrono::seconds(config->auth.session_ttl_s);
  options.lockout.max_failures = config->auth.lockout_attempts;
  options.lockout.lock_for = std::chrono::seconds(config->auth.lockout_s);
  options.centre_name = config->centre.name;
  options.time_zone = config->centre.time_zone;
  options.events.replay_events = static_cast<std::size_t>(config->events.replay_events);
  options.events.replay_max_age = std::chrono::seconds(config->events.replay_max_age_s);
  options.events.subscriber_queue = static_cast<std::size_t>(config->events.client_queue);
  options.attachments_dir = config->data_dir + "/attachments";
  options.max_attachment_bytes = static_cast<std::size_t>(config->work_orders.max_attachment_bytes);
  options.sip_realm = config->sip.domain;
  if (!config->kb.suggestions.empty()) {
    auto rules = api::parse_kb_suggestion_rules(config->kb.suggestions);
    if (!rules) {
      std::fprintf(stderr, "switchyard serve: %s\n", rules.error().message.c_str());
      return 1;
    }
    options.kb_suggestions = std::move(*rules);
  }
  api::Context ctx(**db, SystemClock::instance(), options);
  if (Status st = ensure_first_admin(ctx.repos); !st) {
    std::fprintf(stderr, "switchyard serve: creating the first admin: %s\n",
                 st.error().message.c_str());
    return 1;
  }

  // SMS to assignees through Kannel, drained from the durable outbox, when configured.
  std::unique_ptr<notify::KannelSender> kannel;
  std::unique_ptr<notify::SmsWorker> sms;
  if (!config->sms.kannel_url.empty()) {
    auto sender = notify::KannelSender::create(notify::KannelOptions{
        config->sms.kannel_url, config->sms.username, config->sms.password, config->sms.from});
    if (!sender) {
      std::fprintf(stderr, "switchyard serve: %s\n", sender.error().message.c_str());
      return 2;
    }
    kannel = std::move(*sender);
    sms = std::make_unique<notify::SmsWorker>(ctx.repos.sms_outbox, *kannel, ctx.clock);
    ctx.repos.work_orders.set_sms_enabled(true);
    sms->start();
  }
  ControlLoop loop;
  loop.every(std::chrono::minutes(10), [&ctx] {
    auto purged = ctx.repos.sessions.purge_expired(ctx.clock.now());
    if (!purged) spdlog::warn("purging expired sessions: {}", purged.error().message);
  });
  // The ACD attaches its not-ready handler here (set_handler) when it runs in this process.
  DesktopPresence presence(loop, ctx.events, ctx.clock,
                           std::chrono::seconds(config->events.desktop_grace_s));
  presence.start();
  // Work-order deadlines: warn at 80 %, escalate on breach (audit rows carry what happened),
  // pushed to the assignee and the region's supervisors.
  loop.every(std::chrono::seconds(15), [&ctx] {
    auto swept = notify::sweep_deadlines(ctx.repos.work_orders, ctx.events, ctx.clock.now());
    if (!swept) spdlog::warn("checking work-order deadlines: {}", swept.error().message);
  });
  // Report summaries: new call records, agent states and work-order audit rows are folded in
  // every few seconds (and again whenever a report is asked for).
  if (auto offset = store::fixed_zone_offset_minutes(config->centre.time_zone))
    ctx.repos.reports.set_utc_offset_minutes(*offset);
  else
    spdlog::warn("reports: time zone {} has no fixed offset; report days use +08:00",
                 config->centre.time_zone);
  loop.every(std::chrono::seconds(5), [&ctx] {
    auto folded = ctx.repos.reports.fold();
    if (!folded) spdlog::warn("folding report summaries: {}", folded.error().message);
  });
  // The ACD on the control thread: presence changes from the API are posted to it.
  AcdOptions acd_options;
  acd_options.ring_timeout = std::chrono::seconds(config->acd.ring_timeout_s);
  acd_options.wrap_up = std::chrono::seconds(config->acd.wrap_up_s);
  acd_options.require_registered_phone = config->acd.require_registered_phone;
  acd_options.region_caps = config->acd.region_caps;
  AcdService acd(ctx.repos, ctx.clock, [&loop](std::function<void()> fn) { loop.post(std::move(fn)); },
                 acd_options);
  bool acd_running = false;
  if (Status st = acd.load(); !st) {
    // A queue set-up the engine refuses must not keep the rest of the centre down.
    spdlog::error("the call distributor is not running: {} (fix the queues and restart)",
                  st.error().message);
  } else {
    ctx.presence = &acd;
    ctx.seats = &acd;  // hot-desking: seat phones agents pick
    acd_running = true;
    loop.every(std::chrono::milliseconds(200), [&acd] { acd.tick(); });
  }
  // The ACD on the live event stream (agent.state, call.*, queue.stats), and an agent whose
  // desktop is gone past the grace period set not ready.
  AcdEventsOptions events_options;  // "today" on the wallboard: the centre's day
  events_options.utc_offset_minutes = ctx.repos.reports.utc_offset_minutes();
  AcdEvents acd_events(ctx.events, ctx.repos, ctx.clock, events_options);
  if (acd_running) {
    if (Status st = acd_events.load_queues(); !st)
      spdlog::warn("queue figures: {}", st.error().message);
    acd.set_observer(&acd_events);
    acd_events.set_acd(&acd);
    presence.set_handler(&acd_events);
    loop.every(std::chrono::milliseconds(250), [&acd_events] { acd_events.tick(); });
  }
  loop.start();

  metrics::Registry registry;
  register_db_metrics(registry, **db);
  events::register_metrics(registry, ctx.events);
  http::Router router;
  api::register_api(router, ctx);
  http::ServerOptions http_options;
  http_options.host = config->http.listen.host;
  http_options.port = config->http.listen.port;
  http_options.threads = config->http.threads;
  http_options.max_body_bytes = static_cast<std::size_t>(config->http.max_body_bytes);
  http_options.request_timeout = std::chrono::seconds(config->http.read_timeout_s);
  http_options.max_connections = config->http.max_connections;
  http_options.web_root = config->http.web_root;
  http_options.websocket_idle_timeout = std::chrono::seconds(config->events.websocket_idle_timeout_s);
  store::Database& database = **db;
  http_options.healthz = [&database, &loop]() -> Status {
    if (Status st = database.ping(); !st) return st;
    if (!loop.responsive(std::chrono::seconds(2)))
      return make_error(ErrorKind::kUnavailable, "control_loop_stalled",
                        "the control loop did not answer within 2 s");
    return {};
  };
  http::Server server(http_options, router, registry);
  if (Status st = server.start(); !st) {
    std::fprintf(stderr, "switchyard serve: %s\n", st.error().message.c_str());
    loop.stop();
    return 1;
  }
  // Without telephony (SIP port taken, flow file broken) the desktop and API still serve.
  auto telephony = Telephony::start(*config, ctx.repos, loop, acd_running ? &acd : nullptr);
  if (!telephony)
    spdlog::error("telephony not started: {}", telephony.error().message);
  else
    ctx.call_control = (*telephony)->call_control();
  std::printf("Switchyard %s is serving %s\n  open http://%s:%u/ and sign in (API: /api/v1, "
              "health: /healthz)\n",
              config->centre.name.c_str(), database.display_url().c_str(),
              http_options.host.c_str(), server.port());
  if (telephony)
    std::printf("  SIP on %s:%u (UDP and TCP)\n", config->sip.listen.host.c_str(),
                config->sip.listen.port);
  std::fflush(stdout);

  int sig = wait_for_signal();
  spdlog::info("signal {}: stopping", sig);
  if (telephony) (*telephony)->stop();
  server.stop();
  loop.stop();
  if (sms) sms->stop();
  return 0;
}

}  // namespace sy::app
