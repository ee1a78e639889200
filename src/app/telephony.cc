#include "app/telephony.h"

#include <spdlog/spdlog.h>

#include "app/call_control_service.h"
#include "app/flow_registry.h"
#include "app/inbound_calls.h"
#include "sip/media_host.h"
#include "sip/sip_adapter.h"

namespace sy::app {
namespace {

class RunningTelephony final : public Telephony {
 public:
  RunningTelephony(const config::Config& config, store::Repositories& repos, ControlLoop& loop,
                   std::unique_ptr<FlowRegistry> flows, AcdService* acd)
      : loop_(loop),
        flows_(std::move(flows)),
        media_ip_(config.sip.listen.host == "0.0.0.0" ? "127.0.0.1" : config.sip.listen.host),
        records_(repos),
        calls_(loop, *flows_, media_, repos, records_,
               InboundOptions{media_ip_, config.data_dir + "/tts", acd,
                              std::chrono::seconds(config.acd.announce_interval_s),
                              std::chrono::seconds(config.acd.callback_offer_after_s),
                              config.recording.enabled ? config.data_dir + "/recordings" : ""}),
        media_(media_ip_,
               media::PortRange{static_cast<uint16_t>(config.rtp.port_min),
                                static_cast<uint16_t>(config.rtp.port_max)},
               calls_) {}
  ~RunningTelephony() override { stop(); }

  Status start(const config::Config& config, store::Repositories& repos) {
    media_.start();
    sip::SipOptions options;
    options.host = config.sip.listen.host;
    options.port = config.sip.listen.port;
    options.trusted_sources = config.sip.trunks;
    options.max_calls = config.sip.max_calls;
    options.retry_after_s = config.sip.retry_after_s;
    options.session_expires_s = config.sip.session_expires_s;
    options.realm = config.sip.domain;
    // Agent phones register with the extension and SIP password stored for the agent; seat
    // phones (hot-desking, no agent of their own) with the seat's.
    sip::Registrar registrar;
    registrar.events = &calls_;
    registrar.credentials = [&repos](const std::string& extension) -> std::optional<sip::PhoneCredential> {
      if (auto agent = repos.agents.get_by_extension(extension))
        return agent->sip_ha1.empty()
                   ? std::nullopt
                   : std::optional(sip::PhoneCredential{agent->sip_ha1, agent->sip_realm});
      auto seat = repos.seats.get_by_extension(extension);
      if (!seat || seat->sip_ha1.empty()) return std::nullopt;
      return sip::PhoneCredential{seat->sip_ha1, seat->sip_realm};
    };
    auto adapter = sip::SipAdapter::start(options, calls_, std::move(registrar));
    if (!adapter) {
      media_.stop();
      return adapter.error();
    }
    sip_ = std::move(*adapter);
    calls_.attach(sip_.get());
    calls_.start_timers();
    return {};
  }

  InboundCalls& calls() { return calls_; }
  api::CallControlPort* call_control() override { return &control_; }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (sip_) {
      sip_->stop();
      auto sip = sip_->counters();
      spdlog::info("sip: {} INVITEs; refused: {} untrusted, {} over capacity, {} bad SDP",
                   sip.invites, sip.rejected_untrusted, sip.rejected_overload, sip.rejected_sdp);
    }
    auto media = media_.counters();
    spdlog::info("media: {} ticks of 20 ms, {} late by more than 20 ms; {} RTP packets in, {} out",
                 media.ticks, media.late_ticks, media.packets_in, media.packets_out);
    media_.stop();
    calls_.stop();
    records_.flush();  // every ended call's record durable before the database closes
    spdlog::info("call records: {} finished calls written, {} writes failed",
                 records_.finished_durable(), records_.failed());
  }

 private:
  ControlLoop& loop_;
  std::unique_ptr<FlowRegistry> flows_;
  std::string media_ip_;
  CallRecordWriter records_;
  InboundCalls calls_;  // refers to media_ only through calls made after construction
  sip::MediaHost media_;
  std::unique_ptr<sip::SipAdapter> sip_;
  CallControlService control_{loop_, calls_};
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<Telephony>> Telephony::start(const config::Config& config,
                                                    store::Repositories& repos, ControlLoop& loop,
                                                    AcdService* acd) {
  auto flows = FlowRegistry::load(config.sip.services);
  if (!flows) return flows.error();
  auto telephony = std::make_unique<RunningTelephony>(config, repos, loop, std::move(*flows), acd);
  SY_TRY(telephony->start(config, repos));
  if (acd) {
    InboundCalls* calls = &telephony->calls();
    loop.post([acd, calls] { acd->set_offer_sink(calls); });
  }
  return std::unique_ptr<Telephony>(std::move(telephony));
}

}  // namespace sy::app
