// Benchmark: the bureau's allocation at the hub — 10,000 packs of stock at 20 collection points and
// 200 clinics with 600 requests (target: plan and publish in ≤ 2 s), beside the time to merely read the
// same stock from the hub in the same run (the baseline). `--smoke` runs a small county for ctest;
// `--packs N --clinics N` change the county. Exits non-zero when the target is missed (not in --smoke).

#include <chrono>
#include <cstdio>
#include <string>

#include "medkiosk/kiosk/allocation.hpp"
#include "medkiosk/storage/county.hpp"
#include "pg_server.hpp"

namespace {

using namespace medkiosk;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int fail(const std::string& message) {
    std::fprintf(stderr, "allocation_bench: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    int packs = 10000, clinics = 200, points = 20;
    bool smoke = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke") {
            smoke = true;
            packs = 1000;
            clinics = 20;
            points = 4;
        } else if (arg == "--packs" && i + 1 < argc) {
            packs = std::atoi(argv[++i]);
        } else if (arg == "--clinics" && i + 1 < argc) {
            clinics = std::atoi(argv[++i]);
        }
    }
    try {
        test::PgServer pg;
        const std::string database = pg.create_hub_database();
        auto admin = pg.admin(database);
        // A county: clinics and collection points scattered over ~100 km, stock in four categories with
        // expiries over the next 18 months (some already too close), requests of 1-60 packs.
        const std::string county = R"sql(
            SELECT setseed(0.17);
            INSERT INTO hub.catalogue (gtin, name, category) VALUES
                ('06901234567892', 'Ibuprofen', 'fever'), ('06901234567809', 'Cough syrup', 'cough'),
                ('06901234567816', 'Oseltamivir', 'antiviral'), ('06901234567823', 'Thermometer', 'device');
            INSERT INTO hub.clinic (clinic_id, name_zh, name_en, kind, township_zh, township_en, latitude, longitude)
            SELECT 'clinic-' || g, '卫生室' || g, 'Clinic ' || g,
                   CASE WHEN g % 10 = 0 THEN 'township-health-centre' ELSE 'village-clinic' END,
                   '镇' || (g % 15), 'Township ' || (g % 15), 23 + random(), 113 + random()
            FROM generate_series(1, $CLINICS) g;
            INSERT INTO hub.kiosk (kiosk_id, role_name, latitude, longitude)
            SELECT 'cp-' || g, 'kiosk_cp-' || g, 23 + random(), 113 + random() FROM generate_series(1, $POINTS) g;
            INSERT INTO hub.dropoff (kiosk_id, uuid, session_id, recorded_at, sequence, scheme, gtin, expiry,
                                     quantity, condition, decision, reason, review_state)
            SELECT 'cp-' || (1 + g % $POINTS), gen_random_uuid(), 1, now(), g, 'gs1',
                   (ARRAY['06901234567892', '06901234567809', '06901234567816', '06901234567823'])[1 + g % 4],
                   CASE WHEN g % 4 = 3 AND g % 8 = 3 THEN NULL ELSE current_date + (random() * 540)::int - 20 END,
                   1 + (random() * 2)::int, 'sealed', 'accept', 'ok', 'pending'
            FROM generate_series(1, $PACKS) g;
            INSERT INTO hub.clinic_request (clinic_id, category, quantity, needed_by, source)
            SELECT 'clinic-' || (1 + g % $CLINICS), (ARRAY['fever', 'cough', 'antiviral', 'device'])[1 + (g / 7) % 4],
                   1 + (random() * 59)::int, current_date + (random() * 60)::int, 'csv'
            FROM generate_series(1, 3 * $CLINICS) g;
            ANALYZE;
        )sql";
        std::string sql = county;
        for (const auto& [name, value] :
             {std::pair<std::string, int>{"$CLINICS", clinics}, {"$POINTS", points}, {"$PACKS", packs}}) {
            for (auto at = sql.find(name); at != std::string::npos; at = sql.find(name, at))
                sql.replace(at, name.size(), std::to_string(value));
        }
        if (auto s = admin->exec(sql); !s) return fail(s.error().message);

        // Baseline: reading the stock the allocation starts from, nothing more.
        auto start = Clock::now();
        auto stock = admin->query(
            "SELECT kiosk_id, dropoff_uuid, category, expiry, available FROM hub.allocatable_stock "
            "WHERE available > 0");
        const double read_stock = seconds_since(start);
        if (!stock) return fail(stock.error().message);

        start = Clock::now();
        auto input = storage::load_allocation_input(*admin);
        const double load = seconds_since(start);
        if (!input) return fail(input.error().message);
        start = Clock::now();
        const auto plan = kiosk::plan_allocation(input.value(), {});
        const double planning = seconds_since(start);
        start = Clock::now();
        auto published =
            storage::publish_allocation(*admin, plan.packs_to_publish(), 30, input.value().as_of);
        const double publish = seconds_since(start);
        if (!published) return fail(published.error().message);
        const double total = load + planning + publish;

        std::printf(
            "allocation_bench: %d packs (%zu drop-offs in stock) at %d collection points, %d clinics, %zu "
            "requests\n",
            packs, input.value().stock.size(), points, clinics, input.value().requests.size());
        std::printf("  baseline: reading the stock alone      %7.1f ms\n", read_stock * 1000);
        std::printf("  load stock, requests, distances        %7.1f ms\n", load * 1000);
        std::printf("  plan (FEFO by month, nearest first)    %7.1f ms\n", planning * 1000);
        std::printf("  publish (checked again under the lock) %7.1f ms: %zu orders, %d packs\n",
                    publish * 1000, published.value().size(), plan.packs());
        std::printf(
            "  allocate in all                        %7.1f ms (target <= 2000 ms; %.1fx the baseline)\n",
            total * 1000, total / std::max(read_stock, 1e-6));
        if (!smoke && total > 2.0) return fail("allocation took longer than 2 s");
        std::printf("allocation_bench: %s\n", smoke ? "smoke run done" : "target met");
        return 0;
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}
