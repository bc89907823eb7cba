#pragma once
// Stands in for the ledger thread in donation-flow tests without a policy source: records the drop-offs
// asked for and hands out tickets, which the test answers with LedgerReply{ticket, …}.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "medkiosk/kiosk/ledger_worker.hpp"

namespace medkiosk::kiosk {

class RecordingLedger : public LedgerPort {
  public:
    std::uint64_t begin_session() override { return ++tickets; }
    std::uint64_t record(storage::DropOffInput input) override {
        recorded.push_back(std::move(input));
        return ++tickets;
    }
    // Asked only with a policy source, which these tests do not give the flow.
    std::uint64_t check_pack(const std::string&, const std::string&, const std::string&) override {
        ADD_FAILURE() << "check_pack without a policy source";
        return ++tickets;
    }
    std::uint64_t tickets = 0;
    std::vector<storage::DropOffInput> recorded;
};

}  // namespace medkiosk::kiosk
