// Issue 12, item 6 (the hub's part): what a kiosk login may send is bounded. A record past the limits
// is answered invalid with a reason the kiosk keeps as a dead letter, and never blocks the rest; a
// heartbeat past them is refused without holding the donations back.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

class HubLimitsTest : public SyncFixture {
  protected:
    static std::string dropoff_payload(const std::string& uuid, const std::string& recorded_at,
                                       const std::string& expiry = "2028-05-31",
                                       const std::string& reason = "ok") {
        return R"({"uuid":")" + uuid + R"(","session_id":1,"recorded_at":")" + recorded_at +
               R"(","sequence":1,"scheme":"gs1","gtin":"06901234567809","expiry":")" + expiry +
               R"(","quantity":1,"condition":"sealed","decision":"accept","reason":")" + reason + R"("})";
    }
    static std::string uuid_n(int n) {
        std::string tail = std::to_string(n);
        return "6f1c2a9e-3333-4a4a-8a8a-" + std::string(12 - tail.size(), '0') + tail;
    }

    // rec_id -> (outcome, detail) for one batch sent through the kiosk's door.
    std::vector<std::pair<std::string, std::string>> ingest(storage::HubSession& hub,
                                                            const std::vector<std::string>& elements) {
        std::string batch = "[";
        for (const auto& element : elements) batch += (batch.size() > 1 ? "," : "") + element;
        batch += "]";
        auto rows = hub.query("SELECT outcome, coalesce(detail, '') FROM hub.ingest($1::jsonb)", {batch});
        EXPECT_TRUE(rows.ok()) << rows.error().message;
        std::vector<std::pair<std::string, std::string>> answers;
        if (rows.ok()) {
            for (const auto& row : rows.value())
                answers.emplace_back(row.at(0).value_or(""), row.at(1).value_or(""));
        }
        return answers;
    }
    std::string hub_date(const std::string& expression) {
        return pg.scalar(database, "SELECT (" + expression + ")::date::text");
    }
};

TEST_F(HubLimitsTest, DatesOutsideThirtyYearsEitherWayAreRefusedWithTheFieldAndTheWindow) {
    auto kiosk = make_kiosk("dates");
    auto session = storage::HubSession::connect(kiosk.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const std::string near_past = hub_date("now() - interval '29 years'") + "T00:00:00Z";
    const std::string near_future = hub_date("now() + interval '29 years'") + "T00:00:00Z";

    struct Case {
        std::string element;
        std::string expected_outcome;
        std::string expected_detail;  // a part of it
    };
    const std::vector<Case> cases = {
        {ingest_element("dropoff", uuid_n(1), dropoff_payload(uuid_n(1), "9999-12-31T00:00:00Z")), "invalid",
         "dropoff recorded_at \"9999-12-31T00:00:00Z\" is not a date between"},
        {ingest_element("dropoff", uuid_n(2), dropoff_payload(uuid_n(2), "0001-01-01T00:00:00Z")), "invalid",
         "dropoff recorded_at \"0001-01-01T00:00:00Z\" is not a date between"},
        {ingest_element("dropoff", uuid_n(3), dropoff_payload(uuid_n(3), "infinity")), "invalid",
         "dropoff recorded_at \"infinity\" is not a date between"},
        {ingest_element("dropoff", uuid_n(4), dropoff_payload(uuid_n(4), "-infinity")), "invalid",
         "is not a date between"},
        {ingest_element("dropoff", uuid_n(5),
                        dropoff_payload(uuid_n(5), "2026-11-29T08:00:00Z", "9999-12-31")),
         "invalid", "dropoff expiry \"9999-12-31\" is not a date between"},
        {ingest_element("dropoff", uuid_n(6), dropoff_payload(uuid_n(6), "2026-11-29T08:00:00Z", "infinity")),
         "invalid", "dropoff expiry \"infinity\""},
        {ingest_element("session", "session-1",
                        R"({"session_id":1,"receipt_code":"LIM-1","started_at":"infinity"})"),
         "invalid", "session started_at \"infinity\""},
        {ingest_element("review_action", uuid_n(7),
                        R"({"uuid":")" + uuid_n(7) + R"(","dropoff_uuid":")" + uuid_n(9) +
                            R"(","action":"approve","acted_at":"0001-01-01T00:00:00Z"})"),
         "invalid", "review_action acted_at \"0001-01-01T00:00:00Z\""},
        {ingest_element("dispatch", uuid_n(8),
                        R"({"uuid":")" + uuid_n(8) +
                            R"(","clinic":"c","dispatched_at":"9999-12-31T23:59:59Z","items":[]})"),
         "invalid", "dispatch dispatched_at \"9999-12-31T23:59:59Z\""},
        // Inside the window, at both ends: stored.
        {ingest_element("dropoff", uuid_n(10), dropoff_payload(uuid_n(10), near_past)), "inserted", ""},
        {ingest_element("dropoff", uuid_n(11), dropoff_payload(uuid_n(11), near_future)), "inserted", ""},
    };
    std::vector<std::string> elements;
    for (const auto& c : cases) elements.push_back(c.element);
    const auto answers = ingest(hub, elements);
    ASSERT_EQ(answers.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(cases[i].element.substr(0, 160));
        EXPECT_EQ(answers[i].first, cases[i].expected_outcome) << answers[i].second;
        EXPECT_NE(answers[i].second.find(cases[i].expected_detail), std::string::npos) << answers[i].second;
        if (cases[i].expected_outcome == "invalid") {
            EXPECT_NE(answers[i].second.find("check the kiosk's clock"), std::string::npos)
                << answers[i].second;
        }
    }
    EXPECT_EQ(hub_dropoffs(kiosk), 2);
    EXPECT_EQ(
        hub_int("SELECT count(*) FROM hub.dropoff WHERE recorded_at = 'infinity' OR expiry = 'infinity' "
                "OR recorded_at > now() + interval '30 years'"),
        0);
}

// A clinic device's records share the window, and the reason names the device its technician looks at:
// "check the kiosk's clock" sent a clinic's technician looking for a kiosk the clinic does not have.
TEST_F(HubLimitsTest, AClinicDevicesDatesOutsideTheWindowNameTheClinicDevicesClock) {
    const auto device = make_clinic_kiosk("clockdev", "shitang-vc");
    auto session = storage::HubSession::connect(device.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    const auto record = [](const std::string& entity, int n, const std::string& fields) {
        return ingest_element(entity, uuid_n(n),
                              R"({"uuid":")" + uuid_n(n) + R"(","clinic_id":"shitang-vc",)" + fields + "}");
    };
    const std::vector<std::string> elements = {
        record("arrival", 1, R"("received_at":"9999-12-31T00:00:00Z","lines":[])"),
        record("given_out", 2, R"("given_on":"infinity","quantity":1)"),
        record("clinic_disposal", 3, R"("disposed_on":"0001-01-01","quantity":1)"),
    };
    std::string batch = "[";
    for (const auto& element : elements) batch += (batch.size() > 1 ? "," : "") + element;
    batch += "]";
    auto rows = session.value()->query(
        "SELECT rec_id, outcome, coalesce(detail, '') FROM hub.clinic_ingest($1::jsonb)", {batch});
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows.value().size(), elements.size());
    for (const auto& row : rows.value()) {
        const std::string detail = row.at(2).value_or("");
        SCOPED_TRACE(row.at(0).value_or(""));
        EXPECT_EQ(row.at(1).value_or(""), "invalid") << detail;
        EXPECT_NE(detail.find("is not a date between"), std::string::npos) << detail;
        EXPECT_NE(detail.find("check the clinic device's clock"), std::string::npos) << detail;
        EXPECT_EQ(detail.find("kiosk"), std::string::npos) << detail;
    }
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.ingest_record WHERE kiosk_id = '" + device.id + "'"), 0);
}

TEST_F(HubLimitsTest, OversizedRecordsAreRefusedAndADispatchOfAThousandPacksIsNot) {
    auto kiosk = make_kiosk("size");
    auto session = storage::HubSession::connect(kiosk.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const auto dispatch = [](const std::string& uuid, int items) {
        std::string list;
        for (int i = 0; i < items; ++i) {
            std::string tail = std::to_string(i);
            list += std::string(i ? "," : "") + R"({"dropoff_uuid":"7a1c2a9e-4444-4a4a-8a8a-)" +
                    std::string(12 - tail.size(), '0') + tail + R"(","quantity":1})";
        }
        return ingest_element("dispatch", uuid,
                              R"({"uuid":")" + uuid +
                                  R"(","clinic":"c","dispatched_at":"2026-11-29T08:00:00Z",)" +
                                  R"("items":[)" + list + "]}");
    };
    const auto answers = ingest(
        hub,
        {ingest_element(
             "dropoff", uuid_n(1),
             dropoff_payload(uuid_n(1), "2026-11-29T08:00:00Z", "2028-05-31", std::string(70000, 'x'))),
         ingest_element("dropoff", uuid_n(2),
                        dropoff_payload(uuid_n(2), "2026-11-29T08:00:00Z", "2028-05-31",
                                        std::string(10 * 1024 * 1024, 'x'))),
         ingest_element("dropoff", std::string(201, 'i'), dropoff_payload(uuid_n(3), "2026-11-29T08:00:00Z")),
         dispatch(uuid_n(4), 1000), dispatch(uuid_n(5), 40000),
         ingest_element("dropoff", uuid_n(6), dropoff_payload(uuid_n(6), "2026-11-29T08:00:00Z"))});
    ASSERT_EQ(answers.size(), 6u);
    EXPECT_EQ(answers[0].first, "invalid");
    EXPECT_NE(answers[0].second.find("dropoff payload is 70"), std::string::npos) << answers[0].second;
    EXPECT_NE(answers[0].second.find("the hub accepts at most 65536"), std::string::npos)
        << answers[0].second;
    EXPECT_EQ(answers[1].first, "invalid");
    EXPECT_NE(answers[1].second.find("the hub accepts at most 65536"), std::string::npos)
        << answers[1].second;
    EXPECT_EQ(answers[2].first, "invalid");
    EXPECT_NE(answers[2].second.find("record id is 201 characters"), std::string::npos) << answers[2].second;
    EXPECT_EQ(answers[3].first, "inserted") << answers[3].second;  // ~75 KB of items
    EXPECT_EQ(answers[4].first, "invalid");
    EXPECT_NE(answers[4].second.find("the hub accepts at most 2097152"), std::string::npos)
        << answers[4].second;
    EXPECT_EQ(answers[5].first, "inserted") << answers[5].second;
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.dispatch_item WHERE dispatch_uuid = '" + uuid_n(4) + "'"),
              1000);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.ingest_record WHERE kiosk_id = '" + kiosk.id + "'"), 2);
}

// 2147483647 packs once made hub.report_dispatch fail "integer out of range"; a drop-off listed twice
// fell through to `mismatch` (the item table's key) instead of saying why.
TEST_F(HubLimitsTest, DispatchQuantitiesAreCappedAndADropOffListedTwiceIsInvalid) {
    auto kiosk = make_kiosk("dispatchq");
    auto session = storage::HubSession::connect(kiosk.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const auto dispatch = [](int n, const std::vector<std::pair<int, std::string>>& items) {
        std::string list;
        for (const auto& [dropoff, quantity] : items)
            list += std::string(list.empty() ? "" : ",") + R"({"dropoff_uuid":")" + uuid_n(1000 + dropoff) +
                    R"(","quantity":)" + quantity + "}";
        return ingest_element("dispatch", uuid_n(n),
                              R"({"uuid":")" + uuid_n(n) +
                                  R"(","clinic":"c","dispatched_at":"2026-11-29T08:00:00Z",)" +
                                  R"("items":[)" + list + "]}");
    };
    std::vector<std::pair<int, std::string>> many;  // 200 drop-offs of 10000 packs: 2 million in all
    for (int i = 0; i < 200; ++i) many.emplace_back(100 + i, "10000");
    const auto answers =
        ingest(hub, {dispatch(1, {{1, "2147483647"}, {2, "2147483647"}}), dispatch(2, {{3, "2"}, {3, "4"}}),
                     dispatch(3, many), dispatch(4, {{4, "0"}}), dispatch(5, {{5, "\"7\""}, {6, "10000"}}),
                     dispatch(6, {{7, "1.5"}})});
    ASSERT_EQ(answers.size(), 6u);
    EXPECT_EQ(answers[0].first, "invalid");
    EXPECT_NE(answers[0].second.find("dispatch item 1 ("), std::string::npos) << answers[0].second;
    EXPECT_NE(answers[0].second.find("is not a drop-off uuid with 1 to 10000 packs"), std::string::npos)
        << answers[0].second;
    EXPECT_EQ(answers[1].first, "invalid");
    EXPECT_NE(answers[1].second.find("dispatch lists drop-off " + uuid_n(1003) + " more than once"),
              std::string::npos)
        << answers[1].second;
    EXPECT_EQ(answers[2].first, "invalid");
    EXPECT_NE(answers[2].second.find("dispatch holds 2000000 packs in all; the hub accepts at most 1000000"),
              std::string::npos)
        << answers[2].second;
    EXPECT_EQ(answers[3].first, "invalid");
    EXPECT_EQ(answers[4].first, "inserted") << answers[4].second;
    EXPECT_EQ(answers[5].first, "invalid");
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.dispatch WHERE kiosk_id = '" + kiosk.id + "'"), 1);
    EXPECT_EQ(
        pg.scalar(database, "SELECT sum(item_count)::text FROM hub.report_dispatch WHERE drop_off_point = '" +
                                kiosk.id + "'"),
        "10007");
}

TEST_F(HubLimitsTest, AnOversizedHeartbeatIsRefusedAndABrokenClockIsKeptAsNoTime) {
    auto kiosk = make_kiosk("beat");
    auto session = storage::HubSession::connect(kiosk.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    const auto beat = [&](const std::string& body) {
        return hub.query("SELECT hub.heartbeat($1::jsonb)", {body});
    };

    auto huge_version = beat(R"({"version":")" + std::string(10 * 1024 * 1024, 'v') + R"("})");
    ASSERT_FALSE(huge_version.ok());
    EXPECT_NE(huge_version.error().message.find("the hub accepts at most 65536"), std::string::npos)
        << huge_version.error().message;
    auto long_version = beat(R"({"version":")" + std::string(300, 'v') + R"("})");
    ASSERT_FALSE(long_version.ok());
    EXPECT_NE(long_version.error().message.find("longer than 200 characters"), std::string::npos)
        << long_version.error().message;
    auto garbage_time = beat(R"({"kiosk_time":"yesterday-ish","version":"t"})");
    ASSERT_FALSE(garbage_time.ok());
    EXPECT_NE(garbage_time.error().message.find("is not a date"), std::string::npos)
        << garbage_time.error().message;
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.heartbeat WHERE kiosk_id = '" + kiosk.id + "'"), 0);

    for (const char* broken : {"infinity", "9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"}) {
        auto kept =
            beat(std::string(R"({"kiosk_time":")") + broken + R"(","version":"t","clock_skew_ms":-5})");
        EXPECT_TRUE(kept.ok()) << broken << ": " << kept.error().message;
    }
    EXPECT_TRUE(beat(R"({"kiosk_time":"2026-11-29T08:00:00Z","version":"t"})").ok());
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.heartbeat WHERE kiosk_id = '" + kiosk.id +
                      "' AND kiosk_time IS NULL"),
              3);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.heartbeat WHERE kiosk_id = '" + kiosk.id +
                      "' AND kiosk_time IS NOT NULL"),
              1);
}

// End to end: the kiosk's own records past the limits become dead letters with the hub's reason, the
// rest arrive, and a heartbeat the hub refuses holds nothing back.
TEST_F(HubLimitsTest, TheKioskDeadLettersWhatTheHubRefusesAndKeepsSyncing) {
    auto kiosk = make_kiosk("deadlimit");
    kiosk.record(4);
    storage::testing::RawDb raw(kiosk.ledger_file);
    raw.exec(
        "UPDATE outbox SET payload = json_set(payload, '$.recorded_at', '9999-12-31T00:00:00Z') WHERE id = "
        "(SELECT min(id) FROM outbox WHERE entity = 'dropoff')");
    raw.exec(
        "UPDATE outbox SET payload = json_set(payload, '$.reason', printf('%.70000c', 'x')) WHERE id = "
        "(SELECT max(id) FROM outbox WHERE entity = 'dropoff')");
    auto options = options_for(kiosk);
    options.kiosk_version = std::string(5000, 'v');
    auto worker = worker_with(options);
    ASSERT_TRUE(worker->run_round().ok()) << worker->progress().last_error;

    EXPECT_EQ(hub_dropoffs(kiosk), 2);
    EXPECT_EQ(kiosk.backlog(), 0);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL AND dead_reason LIKE "
                          "'invalid: dropoff recorded_at \"9999-12-31T00:00:00Z\" is not a date between%'"),
              1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL AND dead_reason LIKE "
                          "'invalid: dropoff payload is 7____ bytes; the hub accepts at most 65536'"),
              1);
    EXPECT_EQ(kiosk.local("SELECT count(*) FROM sync_event WHERE kind = 'heartbeat-refused' AND detail LIKE "
                          "'%longer than 200 characters%'"),
              1);
    EXPECT_EQ(hub_int("SELECT count(*) FROM hub.heartbeat WHERE kiosk_id = '" + kiosk.id + "'"), 0);
}

}  // namespace
}  // namespace medkiosk::test
