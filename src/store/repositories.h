// Every repository over one Database and Clock, for the API layer and commands to hold as one.
#pragma once

#include "core/clock.h"
#include "store/account_repository.h"
#include "store/agent_repository.h"
#include "store/audit_repository.h"
#include "store/call_repository.h"
#include "store/contact_repository.h"
#include "store/customer_repository.h"
#include "store/db.h"
#include "store/kb_repository.h"
#include "store/outage_repository.h"
#include "store/quality_repository.h"
#include "store/queue_repository.h"
#include "store/recording_repository.h"
#include "store/region_repository.h"
#include "store/report_repository.h"
#include "store/screen_pop_repository.h"
#include "store/seat_repository.h"
#include "store/session_repository.h"
#include "store/skill_repository.h"
#include "store/sms_outbox.h"
#include "store/user_repository.h"
#include "store/work_order_repository.h"
#include "store/work_order_type_repository.h"

namespace sy::store {

struct Repositories {
  Repositories(Database& db, const Clock& clock)
      : users(db, clock),
        sessions(db),
        regions(db),
        customers(db, clock),
        accounts(db, clock),
        screen_pop(db),
        outages(db, clock),
        contacts(db),
        audit(db, clock),
        work_order_types(db, clock),
        work_orders(db, clock, work_order_types),
        kb(db, clock),
        skills(db, clock),
        queues(db, clock),
        agents(db, clock),
        calls(db),
        recordings(db),
        reports(db),
        sms_outbox(db),
        quality(db, clock),
        seats(db, clock) {}

  UserRepository users;
  SessionRepository sessions;
  RegionRepository regions;
  CustomerRepository customers;
  AccountRepository accounts;
  ScreenPopRepository screen_pop;
  OutageRepository outages;
  ContactRepository contacts;
  AuditRepository audit;
  WorkOrderTypeRepository work_order_types;
  WorkOrderRepository work_orders;
  KbRepository kb;
  SkillRepository skills;
  QueueRepository queues;
  AgentRepository agents;
  CallRepository calls;
  RecordingRepository recordings;
  ReportRepository reports;
  SmsOutboxRepository sms_outbox;
  QualityRepository quality;
  SeatRepository seats;
};

}  // namespace sy::store
