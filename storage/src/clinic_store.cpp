#include "medkiosk/storage/clinic_store.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audit.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"
#include "manifest_key_rows.hpp"
#include "medkiosk/iso_date.hpp"
#include "sqlite_db.hpp"
#include "staff_rows.hpp"

namespace medkiosk::storage {
namespace {

using detail::Database;
using detail::invalid;
using detail::StatementScope;
using detail::without_exceptions;
using detail::WriteTransaction;

using detail::json_text;
using detail::kNothingRecorded;

// Each line's usable packs still on hand, with the catalogue's names (the technician's import, else
// the hub's feed). ?1 is today.
constexpr const char* kStockQuery = R"sql(
    SELECT a.uuid, l.line_no, l.product, coalesce(l.expiry, ''), l.category,
           l.received - l.damaged - coalesce((SELECT sum(o.quantity) FROM clinic_stock_out o
                                              WHERE o.arrival_id = a.id AND o.line_no = l.line_no), 0) AS on_hand,
           coalesce(c.name_zh, json_extract(h.body, '$.name'), ''), coalesce(c.name_en, json_extract(h.body, '$.name'), ''),
           CASE WHEN l.expiry IS NULL THEN NULL ELSE CAST(julianday(l.expiry) - julianday(?1) AS INTEGER) END
    FROM clinic_arrival a
    JOIN clinic_arrival_line l ON l.arrival_id = a.id
    LEFT JOIN catalogue c ON c.product_id = l.product
    LEFT JOIN hub_catalogue h ON h.key = l.product AND h.deleted = 0
)sql";

}  // namespace

struct ClinicStore::Impl {
    std::unique_ptr<Ledger> ledger;
    Database* db = nullptr;
    std::string clinic_id;

    Result<std::string> login(std::int64_t user_id) {
        return detail::user_login(*db, user_id, "finding the user");
    }

    Result<void> write_outbox(const std::string& entity, const std::string& uuid,
                              const nlohmann::json& payload, const std::string& at, const std::string& login,
                              const std::string& action, std::string_view doing) {
        const std::string text = json_text(payload);
        if (auto s = detail::insert_outbox_row(*db, entity, uuid, text, at, doing); !s) return s;
        return detail::append_audit(*db, login, action, entity, uuid, text, at);
    }

    Result<std::vector<ArrivalRecord>> read_arrivals(const std::string& where,
                                                     const std::vector<std::string>& binds, int limit) {
        auto query = db->prepare(
            "SELECT id, uuid, clinic_id, dispatch_kiosk_id, dispatch_uuid, coalesce(order_uuid, ''), "
            "received_at FROM clinic_arrival " +
            where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
        auto lines = db->prepare(
            "SELECT line_no, product, coalesce(expiry, ''), category, expected, received, damaged, extra "
            "FROM clinic_arrival_line WHERE arrival_id = ?1 ORDER BY line_no");
        if (!query) return query.error();
        if (!lines) return lines.error();
        for (std::size_t i = 0; i < binds.size(); ++i)
            query.value().bind_text(static_cast<int>(i + 1), binds[i]);
        std::vector<ArrivalRecord> records;
        int rc = SQLITE_ROW;
        while ((rc = query.value().step()) == SQLITE_ROW) {
            const auto& row = query.value();
            ArrivalRecord record{row.column_text(1),
                                 row.column_text(2),
                                 row.column_text(3),
                                 row.column_text(4),
                                 row.column_text(5),
                                 row.column_text(6),
                                 {}};
            StatementScope scope(lines.value());
            lines.value().bind_int64(1, row.column_int64(0));
            int line_rc = SQLITE_ROW;
            while ((line_rc = lines.value().step()) == SQLITE_ROW) {
                const auto& l = lines.value();
                record.lines.push_back({static_cast<int>(l.column_int64(0)), l.column_text(1),
                                        l.column_text(2), l.column_text(3),
                                        static_cast<int>(l.column_int64(4)),
                                        static_cast<int>(l.column_int64(5)),
                                        static_cast<int>(l.column_int64(6)), l.column_int64(7) != 0});
            }
            if (line_rc != SQLITE_DONE) return db->last_error(line_rc, "reading an arrival");
            records.push_back(std::move(record));
        }
        if (rc != SQLITE_DONE) return db->last_error(rc, "reading the arrivals");
        return records;
    }

    Result<ManifestSignature> manifest_signature(const Manifest& manifest) {
        // Every row that could be this collection point's, found by its id trimmed and case-folded: one
        // the sync did not write (kManifestKeyRowDamage) must not make the point look keyless.
        auto query =
            db->prepare(std::string("SELECT key, deleted, ") + detail::kManifestKeyRowDamage + ", coalesce(" +
                        detail::kManifestKeyDamage +
                        ", ''), CASE WHEN json_valid(body) THEN json_extract(body, '$.public_key') END "
                        "FROM hub_kiosk_key WHERE lower(trim(key, ' ' || char(9, 10, 13))) = ?1 "
                        "ORDER BY key = ?1 DESC, key");
        if (!query) return query.error();
        query.value().bind_text(1, manifest.kiosk_id);
        std::optional<std::string> key;
        // Refused as Corrupt: what is damaged, then what to do about it.
        const auto damaged = [&](const std::string& damage) {
            return "this device's copy of collection point " + manifest.kiosk_id +
                   "'s signing key is damaged (" + damage + "), so its delivery list cannot be checked — " +
                   kNothingRecorded;
        };
        for (;;) {
            const int rc = query.value().step();
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return db->last_error(rc, "reading the collection point's manifest key");
            const std::string row_key = query.value().column_text(0);
            if (query.value().column_int64(2) != 0) {
                // The sync's full refetch rewrites a row under the exact id; one under another spelling
                // stays until a technician deletes it.
                if (row_key == manifest.kiosk_id)
                    return Error{ErrorCode::Corrupt,
                                 damaged("its row in table hub_kiosk_key has deleted = " +
                                         query.value().column_text(1) + ", where the sync writes 0 or 1") +
                                     "; sync this device with the hub (it fetches every key again)"};
                return Error{
                    ErrorCode::Corrupt,
                    damaged("its row in table hub_kiosk_key is stored under \"" + row_key + "\", not \"" +
                            manifest.kiosk_id + "\"") +
                        "; sync this device with the hub (it fetches every key again), then a technician "
                        "deletes the row whose key is \"" +
                        row_key + "\" from table hub_kiosk_key of this device's ledger"};
            }
            if (query.value().column_int64(1) == 1) continue;  // the hub removed the key: lists are unsigned
            // The hub holds a key for this collection point, so it signs every list; a copy here that
            // cannot check one must neither pass a list as unchecked nor as unsigned.
            if (const auto damage = query.value().column_text(3); !damage.empty())
                return Error{ErrorCode::Corrupt,
                             damaged(damage) +
                                 "; sync this device with the hub (it fetches the key again), and if this "
                                 "persists ask the hub administrator to check " +
                                 manifest.kiosk_id + "'s public key (hub.kiosk)"};
            key = query.value().column_text(4);
        }
        return check_manifest_signature(manifest, key);
    }

    Result<ArrivalRecord> record_arrival(const ArrivalInput& input) {
        constexpr std::string_view kDoing = "recording an arrival";
        const Manifest& manifest = input.manifest;
        if (manifest.clinic_id != clinic_id && manifest.clinic_id != "other")
            return invalid("this dispatch was sent to clinic " + manifest.clinic_id +
                           ", and this device belongs to " + clinic_id + " — " + kNothingRecorded);
        auto signature = manifest_signature(manifest);
        if (!signature) return signature.error();
        if (signature.value() == ManifestSignature::Invalid)
            return invalid("this delivery list is not what collection point " + manifest.kiosk_id +
                           " signed (it was changed, printed by someone else, or printed before lists were "
                           "signed); ask the collection point to print its packing list again, or call the "
                           "county health bureau — " +
                           kNothingRecorded);
        if (manifest.lines.empty())
            return invalid("the manifest has no lines — " + std::string(kNothingRecorded));
        if (input.note.size() > 500) return invalid("the note is longer than 500 bytes");
        std::map<int, LineCount> counts;
        for (const auto& count : input.counts) {
            const auto line = std::find_if(manifest.lines.begin(), manifest.lines.end(),
                                           [&](const ManifestLine& l) { return l.line == count.line; });
            if (line == manifest.lines.end())
                return invalid("the manifest has no line " + std::to_string(count.line) + " — " +
                               kNothingRecorded);
            if (count.received < 0 || count.received > line->quantity)
                return invalid(
                    "line " + std::to_string(count.line) + " lists " + std::to_string(line->quantity) +
                    " pack(s); received must be 0 to that (more are extra packs) — " + kNothingRecorded);
            if (count.damaged < 0 || count.damaged > count.received)
                return invalid("line " + std::to_string(count.line) +
                               ": damaged must be 0 to the packs received — " + kNothingRecorded);
            if (!counts.emplace(count.line, count).second)
                return invalid("line " + std::to_string(count.line) + " is counted twice — " +
                               kNothingRecorded);
        }
        for (const auto& extra : input.extras) {
            if (extra.product.empty() || extra.product.size() > 32 || extra.quantity <= 0 ||
                extra.damaged < 0 || extra.damaged > extra.quantity ||
                (!extra.expiry.empty() && !is_iso_date(extra.expiry)))
                return invalid(
                    "an extra pack needs its product, a count of 1 or more, damaged ≤ count and a "
                    "YYYY-MM-DD expiry or none — " +
                    std::string(kNothingRecorded));
        }
        WriteTransaction transaction(*db);
        if (auto s = transaction.begin(kDoing, kNothingRecorded); !s) return s.error();
        auto who = login(input.user_id);
        if (!who) return who.error();
        auto already = read_arrivals("WHERE dispatch_kiosk_id = ?1 AND dispatch_uuid = ?2",
                                     {manifest.kiosk_id, manifest.dispatch_uuid}, 1);
        if (!already) return already.error();
        if (!already.value().empty())
            return invalid("this dispatch was confirmed as arrived on " +
                           already.value().front().received_at.substr(0, 10) + " — " + kNothingRecorded);

        ArrivalRecord record{detail::new_uuid_v4(),
                             clinic_id,
                             manifest.kiosk_id,
                             manifest.dispatch_uuid,
                             manifest.order_uuid,
                             detail::utc_now_iso8601_ms(),
                             {}};
        int last_line = 0;
        for (const auto& line : manifest.lines) {
            const auto counted = counts.find(line.line);
            const LineCount count =
                counted == counts.end() ? LineCount{line.line, line.quantity, 0} : counted->second;
            record.lines.push_back({line.line, line.product, line.expiry, line.category, line.quantity,
                                    count.received, count.damaged, false});
            last_line = std::max(last_line, line.line);
        }
        for (const auto& extra : input.extras) {
            record.lines.push_back({++last_line, extra.product, extra.expiry,
                                    extra.category.empty() ? std::string("unclassified") : extra.category, 0,
                                    extra.quantity, extra.damaged, true});
        }
        auto insert = db->prepare(
            "INSERT INTO clinic_arrival (uuid, clinic_id, dispatch_kiosk_id, dispatch_uuid, order_uuid, "
            "received_at, "
            "user_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!insert) return insert.error();
        insert.value().bind_text(1, record.uuid);
        insert.value().bind_text(2, clinic_id);
        insert.value().bind_text(3, record.dispatch_kiosk_id);
        insert.value().bind_text(4, record.dispatch_uuid);
        insert.value().bind_text_or_null(5, record.order_uuid);
        insert.value().bind_text(6, record.received_at);
        insert.value().bind_int64(7, input.user_id);
        insert.value().bind_text_or_null(8, input.note);
        if (const int rc = insert.value().step(); rc != SQLITE_DONE)
            return db->last_error(rc, kDoing, kNothingRecorded);
        const std::int64_t arrival_id = sqlite3_last_insert_rowid(db->handle());
        auto line_insert = db->prepare(
            "INSERT INTO clinic_arrival_line (arrival_id, line_no, product, expiry, category, expected, "
            "received, "
            "damaged, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        if (!line_insert) return line_insert.error();
        nlohmann::json lines = nlohmann::json::array();
        for (const auto& line : record.lines) {
            StatementScope scope(line_insert.value());
            auto& s = line_insert.value();
            s.bind_int64(1, arrival_id);
            s.bind_int64(2, line.line);
            s.bind_text(3, line.product);
            s.bind_text_or_null(4, line.expiry);
            s.bind_text(5, line.category);
            s.bind_int64(6, line.expected);
            s.bind_int64(7, line.received);
            s.bind_int64(8, line.damaged);
            s.bind_int64(9, line.extra ? 1 : 0);
            if (const int rc = s.step(); rc != SQLITE_DONE)
                return db->last_error(rc, kDoing, kNothingRecorded);
            lines.push_back({{"line", line.line},
                             {"product", line.product},
                             {"expiry", line.expiry},
                             {"category", line.category},
                             {"expected", line.expected},
                             {"received", line.received},
                             {"damaged", line.damaged},
                             {"extra", line.extra}});
        }
        nlohmann::json payload = {{"uuid", record.uuid},
                                  {"clinic_id", clinic_id},
                                  {"dispatch_kiosk_id", record.dispatch_kiosk_id},
                                  {"dispatch_uuid", record.dispatch_uuid},
                                  {"received_at", record.received_at},
                                  {"user", who.value()},
                                  {"lines", lines}};
        if (!record.order_uuid.empty()) payload["order_uuid"] = record.order_uuid;
        if (!input.note.empty()) payload["note"] = input.note;
        if (auto s = write_outbox("arrival", record.uuid, payload, record.received_at, who.value(),
                                  "clinic-arrival", kDoing);
            !s)
            return s.error();
        if (auto s = transaction.commit(kDoing, kNothingRecorded); !s) return s.error();
        return record;
    }

    Result<std::vector<StockLine>> stock(const std::string& today, int warn_days,
                                         const std::string& extra_where) {
        if (!is_iso_date(today)) return invalid("today must be a date YYYY-MM-DD");
        auto named = db->prepare(std::string("WITH s(uuid, line_no, product, expiry, category, on_hand, "
                                             "name_zh, name_en, days_left) AS (") +
                                 kStockQuery + ") SELECT * FROM s WHERE on_hand > 0 " + extra_where +
                                 " ORDER BY expiry = '', expiry, uuid, line_no");
        if (!named) return named.error();
        named.value().bind_text(1, today);
        std::vector<StockLine> lines;
        int rc = SQLITE_ROW;
        while ((rc = named.value().step()) == SQLITE_ROW) {
            const auto& r = named.value();
            StockLine line;
            line.arrival_uuid = r.column_text(0);
            line.line = static_cast<int>(r.column_int64(1));
            line.product = r.column_text(2);
            line.expiry = r.column_text(3);
            line.category = r.column_text(4);
            line.on_hand = static_cast<int>(r.column_int64(5));
            line.name_zh = r.column_text(6);
            line.name_en = r.column_text(7);
            if (sqlite3_column_type(r.get(), 8) != SQLITE_NULL) {
                line.days_left = static_cast<int>(r.column_int64(8));
                line.expired = *line.days_left < 0;
                line.expiring_soon = !line.expired && *line.days_left <= warn_days;
            }
            lines.push_back(std::move(line));
        }
        if (rc != SQLITE_DONE) return db->last_error(rc, "reading the stock");
        return lines;
    }

    // Inside the caller's transaction: `quantity` out of one line, checked against what is on hand.
    Result<StockOut> take_out(const std::string& arrival_uuid, int line, int quantity,
                              const std::string& kind, const std::string& who, std::int64_t user_id,
                              const std::string& today, std::string_view doing) {
        if (quantity <= 0) return invalid("a quantity is 1 or more — " + std::string(kNothingRecorded));
        auto on_hand =
            db->prepare(std::string("WITH s(uuid, line_no, product, expiry, category, on_hand, name_zh, "
                                    "name_en, days_left) AS (") +
                        kStockQuery +
                        ") SELECT on_hand, days_left, (SELECT id FROM clinic_arrival WHERE uuid = ?2) "
                        "FROM s WHERE uuid = ?2 AND line_no = ?3");
        if (!on_hand) return on_hand.error();
        on_hand.value().bind_text(1, today);
        on_hand.value().bind_text(2, arrival_uuid);
        on_hand.value().bind_int64(3, line);
        const int rc = on_hand.value().step();
        if (rc == SQLITE_DONE)
            return Error{ErrorCode::NotFound, "no line " + std::to_string(line) + " in arrival " +
                                                  arrival_uuid + " — " + kNothingRecorded};
        if (rc != SQLITE_ROW) return db->last_error(rc, doing, kNothingRecorded);
        const int available = static_cast<int>(on_hand.value().column_int64(0));
        const bool has_expiry = sqlite3_column_type(on_hand.value().get(), 1) != SQLITE_NULL;
        const int days_left = static_cast<int>(on_hand.value().column_int64(1));
        const std::int64_t arrival_id = on_hand.value().column_int64(2);
        if (quantity > available)
            return invalid("line " + std::to_string(line) + " has " + std::to_string(available) +
                           " pack(s) on hand, not " + std::to_string(quantity) + " — " + kNothingRecorded);
        if (kind == "given_out" && has_expiry && days_left < 0)
            return invalid("these packs have expired: send them to disposal, never give them out — " +
                           std::string(kNothingRecorded));
        StockOut out{detail::new_uuid_v4(), arrival_uuid, line, kind, quantity, today};
        const std::string at = detail::utc_now_iso8601_ms();
        auto insert = db->prepare(
            "INSERT INTO clinic_stock_out (uuid, arrival_id, line_no, kind, quantity, day, user_id, at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!insert) return insert.error();
        auto& s = insert.value();
        s.bind_text(1, out.uuid);
        s.bind_int64(2, arrival_id);
        s.bind_int64(3, line);
        s.bind_text(4, kind);
        s.bind_int64(5, quantity);
        s.bind_text(6, today);
        s.bind_int64(7, user_id);
        s.bind_text(8, at);
        if (const int step = s.step(); step != SQLITE_DONE)
            return db->last_error(step, doing, kNothingRecorded);
        nlohmann::json payload = {
            {"uuid", out.uuid}, {"clinic_id", clinic_id}, {"arrival_uuid", arrival_uuid},
            {"line", line},     {"quantity", quantity},   {"user", who}};
        const bool given = kind == "given_out";
        if (given) {
            payload["given_on"] = today;
        } else {
            payload["reason"] = kind;
            payload["disposed_on"] = today;
        }
        if (auto w = write_outbox(given ? "given_out" : "clinic_disposal", out.uuid, payload, at, who,
                                  given ? "clinic-given-out" : "clinic-disposal", doing);
            !w)
            return w.error();
        return out;
    }

    Result<StockOut> one_out(const std::string& arrival_uuid, int line, int quantity, const std::string& kind,
                             std::int64_t user_id, const std::string& today) {
        const std::string doing = kind == "given_out" ? "recording packs given out" : "recording a disposal";
        if (!is_iso_date(today)) return invalid("today must be a date YYYY-MM-DD");
        WriteTransaction transaction(*db);
        if (auto s = transaction.begin(doing, kNothingRecorded); !s) return s.error();
        auto who = login(user_id);
        if (!who) return who.error();
        auto out = take_out(arrival_uuid, line, quantity, kind, who.value(), user_id, today, doing);
        if (!out) return out.error();
        if (auto s = transaction.commit(doing, kNothingRecorded); !s) return s.error();
        return out;
    }
};

ClinicStore::ClinicStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClinicStore::~ClinicStore() = default;

Result<std::unique_ptr<ClinicStore>> ClinicStore::open(const std::filesystem::path& ledger_file,
                                                       const LedgerOptions& options,
                                                       const std::string& clinic_id) {
    return without_exceptions("opening the clinic's ledger", [&]() -> Result<std::unique_ptr<ClinicStore>> {
        if (clinic_id.empty())
            return Error{ErrorCode::Invalid,
                         "a clinic-mode kiosk needs its clinic: set kiosk.clinic_id in kiosk.toml (an id "
                         "from medkioskctl hub clinics list)"};
        // Its own Ledger connection (created or migrated by the open), as the sync worker's.
        auto ledger = Ledger::open(ledger_file, options);
        if (!ledger) return ledger.error();
        auto impl = std::make_unique<Impl>();
        impl->ledger = std::move(ledger).value();
        impl->db = &detail::core_of(*impl->ledger).database();
        impl->clinic_id = clinic_id;
        Database& db = *impl->db;
        // The device's clinic is written once; a collection point's ledger is never a clinic's.
        WriteTransaction transaction(db);
        if (auto s = transaction.begin("opening the clinic's ledger", "nothing was changed"); !s)
            return s.error();
        auto dropoffs = db.query_int64("SELECT count(*) FROM dropoff", "checking the ledger");
        if (!dropoffs) return dropoffs.error();
        if (dropoffs.value() > 0)
            return Error{ErrorCode::Invalid,
                         "ledger " + ledger_file.string() + " holds a collection point's " +
                             std::to_string(dropoffs.value()) +
                             " drop-off(s); a clinic-mode kiosk needs its own data directory"};
        auto current = db.prepare("SELECT value FROM settings WHERE key = 'clinic.id'");
        if (!current) return current.error();
        const int rc = current.value().step();
        if (rc == SQLITE_ROW) {
            const std::string recorded = current.value().column_text(0);
            if (recorded != clinic_id)
                return Error{ErrorCode::Invalid,
                             "ledger " + ledger_file.string() + " belongs to clinic " + recorded + ", not " +
                                 clinic_id +
                                 "; fix kiosk.clinic_id in kiosk.toml or use another data directory"};
        } else if (rc == SQLITE_DONE) {
            current.value().reset();
            const std::string at = detail::utc_now_iso8601_ms();
            auto set = db.prepare(
                "INSERT INTO settings (key, value) VALUES ('clinic.id', ?1), ('device.mode', 'clinic') "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            if (!set) return set.error();
            set.value().bind_text(1, clinic_id);
            if (const int step = set.value().step(); step != SQLITE_DONE)
                return db.last_error(step, "recording the device's clinic");
            if (auto a = detail::append_audit(db, "kiosk", "clinic-mode", "settings", "clinic.id",
                                              json_text({{"clinic_id", clinic_id}}), at);
                !a)
                return a.error();
        } else {
            return db.last_error(rc, "reading the device's clinic");
        }
        current.value().reset();
        if (auto s = transaction.commit("opening the clinic's ledger", "nothing was changed"); !s)
            return s.error();
        return std::unique_ptr<ClinicStore>(new ClinicStore(std::move(impl)));
    });
}

const std::string& ClinicStore::clinic_id() const {
    return impl_->clinic_id;
}

Result<ManifestSignature> ClinicStore::manifest_signature(const Manifest& manifest) {
    return without_exceptions("checking a manifest's signature",
                              [&] { return impl_->manifest_signature(manifest); });
}

Result<ArrivalRecord> ClinicStore::record_arrival(const ArrivalInput& input) {
    return without_exceptions("recording an arrival", [&] { return impl_->record_arrival(input); });
}

Result<std::optional<ArrivalRecord>> ClinicStore::arrival_for(const std::string& dispatch_kiosk_id,
                                                              const std::string& dispatch_uuid) {
    return without_exceptions("reading an arrival", [&]() -> Result<std::optional<ArrivalRecord>> {
        auto found = impl_->read_arrivals("WHERE dispatch_kiosk_id = ?1 AND dispatch_uuid = ?2",
                                          {dispatch_kiosk_id, dispatch_uuid}, 1);
        if (!found) return found.error();
        if (found.value().empty()) return std::optional<ArrivalRecord>();
        return std::optional<ArrivalRecord>(std::move(found.value().front()));
    });
}

Result<std::vector<ArrivalRecord>> ClinicStore::arrivals(int limit) {
    return without_exceptions("reading the arrivals",
                              [&] { return impl_->read_arrivals("", {}, std::max(limit, 0)); });
}

Result<std::vector<StockLine>> ClinicStore::stock(const std::string& today, int warn_days) {
    return without_exceptions("reading the stock", [&] { return impl_->stock(today, warn_days, ""); });
}

Result<StockOut> ClinicStore::give_out(const std::string& arrival_uuid, int line, int quantity,
                                       std::int64_t user_id, const std::string& today) {
    return without_exceptions("recording packs given out", [&] {
        return impl_->one_out(arrival_uuid, line, quantity, "given_out", user_id, today);
    });
}

Result<StockOut> ClinicStore::give_out_pack(const std::string& product, const std::string& expiry,
                                            std::int64_t user_id, const std::string& today) {
    return without_exceptions("recording a pack given out", [&]() -> Result<StockOut> {
        auto lines = impl_->stock(today, 0, "");
        if (!lines) return lines.error();
        for (const auto& line : lines.value()) {  // earliest expiry first
            if (line.product != product || line.expired) continue;
            if (!expiry.empty() && line.expiry != expiry) continue;
            return impl_->one_out(line.arrival_uuid, line.line, 1, "given_out", user_id, today);
        }
        return Error{ErrorCode::NotFound,
                     "no pack of " + product + (expiry.empty() ? "" : " expiring " + expiry) +
                         " is in stock (not received here, all given out, or expired) — " + kNothingRecorded};
    });
}

Result<StockOut> ClinicStore::dispose(const std::string& arrival_uuid, int line, int quantity,
                                      const std::string& reason, std::int64_t user_id,
                                      const std::string& today) {
    return without_exceptions("recording a disposal", [&]() -> Result<StockOut> {
        if (reason != "expired" && reason != "damaged")
            return invalid("a disposal's reason is expired or damaged, not \"" + reason + "\"");
        return impl_->one_out(arrival_uuid, line, quantity, reason, user_id, today);
    });
}

Result<std::vector<StockOut>> ClinicStore::dispose_expired(std::int64_t user_id, const std::string& today) {
    return without_exceptions("sending expired packs to disposal", [&]() -> Result<std::vector<StockOut>> {
        constexpr std::string_view kDoing = "sending expired packs to disposal";
        auto lines = impl_->stock(today, 0, "AND days_left < 0");
        if (!lines) return lines.error();
        WriteTransaction transaction(*impl_->db);
        if (auto s = transaction.begin(kDoing, kNothingRecorded); !s) return s.error();
        auto who = impl_->login(user_id);
        if (!who) return who.error();
        std::vector<StockOut> outs;
        for (const auto& line : lines.value()) {
            auto out = impl_->take_out(line.arrival_uuid, line.line, line.on_hand, "expired", who.value(),
                                       user_id, today, kDoing);
            if (!out) return out.error();
            outs.push_back(std::move(out).value());
        }
        if (auto s = transaction.commit(kDoing, kNothingRecorded); !s) return s.error();
        return outs;
    });
}

Result<ClinicTotals> ClinicStore::totals() {
    return without_exceptions("counting the clinic's packs", [&]() -> Result<ClinicTotals> {
        auto query = impl_->db->prepare(
            "SELECT (SELECT count(*) FROM clinic_arrival), "
            "(SELECT coalesce(sum(received - damaged), 0) FROM clinic_arrival_line), "
            "(SELECT coalesce(sum(quantity), 0) FROM clinic_stock_out WHERE kind = 'given_out'), "
            "(SELECT coalesce(sum(quantity), 0) FROM clinic_stock_out WHERE kind = 'expired'), "
            "(SELECT coalesce(sum(quantity), 0) FROM clinic_stock_out WHERE kind = 'damaged')");
        if (!query) return query.error();
        if (const int rc = query.value().step(); rc != SQLITE_ROW)
            return impl_->db->last_error(rc, "counting");
        const auto& r = query.value();
        ClinicTotals totals{r.column_int64(0), r.column_int64(1), r.column_int64(2),
                            r.column_int64(3), r.column_int64(4), 0};
        totals.on_hand = totals.received - totals.given_out - totals.expired - totals.damaged;
        return totals;
    });
}

}  // namespace medkiosk::storage
