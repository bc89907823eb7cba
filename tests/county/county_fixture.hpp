#pragma once
// The county on a real PostgreSQL: clinics, collection points with stock, clinic-mode devices with
// their own roles, on a fresh hub database per test (sync_fixture.hpp).

#include <nlohmann/json.hpp>

#include "medkiosk/storage/county.hpp"
#include "support/process.hpp"
#include "sync_fixture.hpp"

namespace medkiosk::test {

struct ClinicDevice {
    std::string id;
    std::string clinic_id;
    std::string role;
    std::string password;
    std::string conninfo;
};

class CountyFixture : public SyncFixture {
  protected:
    // Three clinics in two townships, with locations.
    void add_clinics() {
        auto admin = pg.admin(database);
        auto imported = storage::import_clinics(
            *admin, {{"shitang-vc", "石塘村卫生室", "Shitang Village Clinic", "village-clinic", "石塘镇",
                      "Shitang", 23.10, 113.30, false},
                     {"shitang-thc", "石塘镇卫生院", "Shitang Township Health Centre",
                      "township-health-centre", "石塘镇", "Shitang", 23.12, 113.32, false},
                     {"hexi-vc", "河西村卫生室", "Hexi Village Clinic", "village-clinic", "河西镇", "Hexi",
                      23.40, 113.60, false}});
        ASSERT_TRUE(imported.ok()) << imported.error().message;
        ASSERT_TRUE(
            admin
                ->exec("INSERT INTO hub.catalogue (gtin, name, category) VALUES "
                       "('06901234567892', 'Ibuprofen', 'fever'), ('06901234567809', 'Cough syrup', 'cough') "
                       "ON CONFLICT DO NOTHING")
                .ok());
    }

    ClinicDevice make_clinic_device(const std::string& stem, const std::string& clinic_id) {
        ClinicDevice device;
        device.id = unique_kiosk_id(stem);
        device.clinic_id = clinic_id;
        device.password = "pw-" + device.id;
        auto admin = pg.admin(database);
        auto role = storage::add_clinic_device(*admin, device.id, clinic_id, device.password);
        EXPECT_TRUE(role.ok()) << (role.ok() ? "" : role.error().message);
        device.role = role.ok() ? role.value() : "";
        device.conninfo = pg.role_conninfo(database, device.role, device.password);
        return device;
    }

    // `count` drop-offs at collection point `kiosk_id` straight into the hub (as a synced kiosk would
    // have them), accepted, quantity 1..2, expiring `first_expiry_days` from today and a week apart.
    void hub_stock(const std::string& kiosk_id, int count, int first_expiry_days,
                   const char* gtin = "06901234567892") {
        ASSERT_TRUE(
            pg.admin(database)
                ->exec("INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, "
                       "gtin, expiry, quantity, condition, decision, reason, review_state) "
                       "SELECT '" +
                       kiosk_id + "', gen_random_uuid(), 1, now(), 1000000 + g, 'gs1', '" + gtin +
                       "', current_date + " + std::to_string(first_expiry_days) +
                       " + 7 * g, 1 + g % 2, 'sealed', 'accept', 'ok', 'pending' FROM generate_series(1, " +
                       std::to_string(count) + ") g")
                .ok());
    }

    static std::string batch(const std::vector<std::pair<std::string, nlohmann::json>>& records) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [entity, payload] : records)
            out.push_back({{"entity", entity}, {"id", payload.at("uuid")}, {"payload", payload.dump()}});
        return out.dump();
    }

    // The outcome (and detail) of each record of a batch sent through the clinic door as `device`.
    std::vector<std::pair<std::string, std::string>> clinic_ingest(const ClinicDevice& device,
                                                                   const std::string& json) {
        auto session = storage::HubSession::connect(device.conninfo);
        EXPECT_TRUE(session.ok()) << (session.ok() ? "" : session.error().message);
        if (!session.ok()) return {};
        auto rows = session.value()->query(
            "SELECT outcome, coalesce(detail, '') FROM hub.clinic_ingest($1::jsonb)", {json});
        EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
        std::vector<std::pair<std::string, std::string>> answers;
        if (rows.ok())
            for (const auto& row : rows.value())
                answers.emplace_back(row.at(0).value_or(""), row.at(1).value_or(""));
        return answers;
    }

    std::string hub_text(const std::string& sql) { return pg.scalar(database, sql); }
};

}  // namespace medkiosk::test
