#include "medkiosk/storage/clinic_list.hpp"

#include <algorithm>
#include <tuple>

#include "audit.hpp"
#include "clinic_rows.hpp"
#include "identifiers.hpp"
#include "ledger_core.hpp"

namespace medkiosk::storage {
namespace detail {

Result<std::vector<ClinicChoice>> read_clinic_rows(Database& db, bool include_retired,
                                                   const std::string& only_id) {
    auto query = db.prepare(
        "SELECT clinic_id, name_zh, name_en, kind, township_zh, township_en, retired, source, updated_at "
        "FROM clinic WHERE (?1 OR retired = 0) AND (?2 = '' OR clinic_id = ?2)");
    if (!query) return query.error();
    query.value().bind_int64(1, include_retired ? 1 : 0);
    query.value().bind_text(2, only_id);
    std::vector<ClinicChoice> clinics;
    int rc = SQLITE_ROW;
    while ((rc = query.value().step()) == SQLITE_ROW) {
        const auto& row = query.value();
        ClinicChoice clinic;
        clinic.clinic_id = row.column_text(0);
        clinic.name_zh = row.column_text(1);
        clinic.name_en = row.column_text(2);
        clinic.kind = row.column_text(3);
        clinic.township_zh = row.column_text(4);
        clinic.township_en = row.column_text(5);
        clinic.retired = row.column_int64(6) != 0;
        clinic.source = row.column_text(7);
        clinic.updated_at = row.column_text(8);
        clinics.push_back(std::move(clinic));
    }
    if (rc != SQLITE_DONE) return db.last_error(rc, "reading the clinic list");
    std::sort(clinics.begin(), clinics.end(), [](const ClinicChoice& a, const ClinicChoice& b) {
        return std::tie(a.township_zh, a.kind, a.name_zh, a.clinic_id) <
               std::tie(b.township_zh, b.kind, b.name_zh, b.clinic_id);
    });
    return clinics;
}

}  // namespace detail

namespace {

using detail::invalid;
using detail::json_text;

constexpr const char* kNothingChanged = "nothing was changed";

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// The name in the other language when one is missing: a clinic typed with only a Latin name shows it
// on the Chinese screens too.
void fill_from_each_other(std::string& zh, std::string& en) {
    zh = trim(zh);
    en = trim(en);
    if (zh.empty()) zh = en;
    if (en.empty()) en = zh;
}

Result<std::optional<ClinicChoice>> find(detail::Database& db, const std::string& clinic_id) {
    auto found = detail::read_clinic_rows(db, true, clinic_id);
    if (!found) return found.error();
    if (clinic_id.empty() || found.value().empty()) return std::optional<ClinicChoice>();
    return std::optional<ClinicChoice>(found.value().front());
}

// A local clinic the technician may change, or why not.
Result<ClinicChoice> local_clinic(detail::Database& db, const std::string& clinic_id) {
    auto found = find(db, clinic_id);
    if (!found) return found.error();
    if (!found.value())
        return Error{ErrorCode::NotFound,
                     "no clinic \"" + clinic_id + "\" in the list — " + std::string(kNothingChanged)};
    if (found.value()->source != "local")
        return Error{ErrorCode::Unavailable,
                     "clinic \"" + clinic_id +
                         "\" comes from the hub: the county changes it there and the next sync brings it — " +
                         kNothingChanged};
    return *found.value();
}

// The hub keeps 200 characters of a name (not bytes: a Chinese character is 3 in UTF-8).
bool too_long(const std::string& text) {
    const auto characters = std::count_if(text.begin(), text.end(), [](char byte) {
        return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;  // every byte that starts a character
    });
    return characters > 200;
}

Result<void> write_clinic(detail::Database& db, const ClinicChoice& clinic, std::string_view action,
                          const std::string& actor, std::string_view doing) {
    return detail::in_write_transaction(db, doing, kNothingChanged, [&]() -> Result<void> {
        const std::string at = detail::utc_now_iso8601_ms();
        auto upsert = db.prepare(
            "INSERT INTO clinic (clinic_id, kind, township_zh, township_en, name_zh, name_en, retired, "
            "source, "
            "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'local', ?8) "
            "ON CONFLICT (clinic_id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, "
            "retired = excluded.retired, updated_at = excluded.updated_at WHERE source = 'local'");
        if (!upsert) return upsert.error();
        auto& s = upsert.value();
        s.bind_text(1, clinic.clinic_id);
        s.bind_text(2, clinic.kind);
        s.bind_text(3, clinic.township_zh);
        s.bind_text(4, clinic.township_en);
        s.bind_text(5, clinic.name_zh);
        s.bind_text(6, clinic.name_en);
        s.bind_int64(7, clinic.retired ? 1 : 0);
        s.bind_text(8, at);
        if (auto r = detail::run(db, s, doing, kNothingChanged); !r) return r;
        if (sqlite3_changes(db.handle()) != 1)
            return Error{ErrorCode::Unavailable, "clinic \"" + clinic.clinic_id +
                                                     "\" came from the hub meanwhile — " + kNothingChanged};
        return detail::append_audit(db, actor, action, "clinic", clinic.clinic_id,
                                    json_text({{"name_zh", clinic.name_zh},
                                               {"name_en", clinic.name_en},
                                               {"township_zh", clinic.township_zh},
                                               {"township_en", clinic.township_en},
                                               {"kind", clinic.kind},
                                               {"retired", clinic.retired}}),
                                    at);
    });
}

}  // namespace

bool clinic_id_is_acceptable(const std::string& clinic_id) {
    if (clinic_id.empty() || clinic_id.size() > 40) return false;
    const auto ok = [](char c, bool first) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && (c == '-' || c == '_'));
    };
    for (std::size_t i = 0; i < clinic_id.size(); ++i)
        if (!ok(clinic_id[i], i == 0)) return false;
    return true;
}

Result<ClinicList> read_clinic_list(Ledger& ledger) {
    return detail::without_exceptions("reading the clinic list", [&]() -> Result<ClinicList> {
        auto& db = detail::core_of(ledger).database();
        return detail::in_read_transaction(db, "reading the clinic list", [&]() -> Result<ClinicList> {
            ClinicList list;
            auto clinics = detail::read_clinic_rows(db, true);
            if (!clinics) return clinics.error();
            list.clinics = std::move(clinics).value();
            auto pulled = db.prepare("SELECT value FROM sync_state WHERE key = 'pulled_at:hub_clinic'");
            if (!pulled) return pulled.error();
            if (const int rc = pulled.value().step(); rc == SQLITE_ROW)
                list.updated_from_hub_at = pulled.value().column_text(0);
            else if (rc != SQLITE_DONE)
                return db.last_error(rc, "reading when the clinics came from the hub");
            return list;
        });
    });
}

Result<void> add_local_clinic(Ledger& ledger, ClinicChoice clinic, const std::string& actor) {
    return detail::without_exceptions("adding a clinic", [&]() -> Result<void> {
        auto& core = detail::core_of(ledger);
        if (core.options.read_only) return core.read_only_refusal("add a clinic");
        clinic.clinic_id = trim(clinic.clinic_id);
        if (!clinic_id_is_acceptable(clinic.clinic_id))
            return invalid("clinic id \"" + clinic.clinic_id +
                           "\" is not usable: 1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or "
                           "digit, e.g. shitang-vc — " +
                           kNothingChanged);
        fill_from_each_other(clinic.name_zh, clinic.name_en);
        fill_from_each_other(clinic.township_zh, clinic.township_en);
        if (clinic.name_zh.empty())
            return invalid("clinic \"" + clinic.clinic_id + "\" needs a name (Chinese or English) — " +
                           kNothingChanged);
        if (clinic.township_zh.empty())
            return invalid("clinic \"" + clinic.clinic_id + "\" needs its township — " + kNothingChanged);
        if (too_long(clinic.name_zh) || too_long(clinic.name_en) || too_long(clinic.township_zh) ||
            too_long(clinic.township_en))
            return invalid("a clinic's names are at most 200 characters — " + std::string(kNothingChanged));
        if (clinic.kind != "township-health-centre") clinic.kind = "village-clinic";
        clinic.retired = false;
        auto& db = core.database();
        auto existing = find(db, clinic.clinic_id);
        if (!existing) return existing.error();
        if (existing.value())
            return invalid("clinic id \"" + clinic.clinic_id + "\" is already in the list (" +
                           existing.value()->name_zh + ", " +
                           (existing.value()->source == "hub" ? "from the hub" : "added here") +
                           "); choose another id — " + kNothingChanged);
        return write_clinic(db, clinic, "clinic-add", actor, "adding a clinic");
    });
}

Result<void> rename_clinic(Ledger& ledger, const std::string& clinic_id, const std::string& name_zh,
                           const std::string& name_en, const std::string& actor) {
    return detail::without_exceptions("renaming a clinic", [&]() -> Result<void> {
        auto& core = detail::core_of(ledger);
        if (core.options.read_only) return core.read_only_refusal("rename a clinic");
        auto clinic = local_clinic(core.database(), clinic_id);
        if (!clinic) return clinic.error();
        std::string zh = name_zh, en = name_en;
        fill_from_each_other(zh, en);
        if (zh.empty())
            return invalid("clinic \"" + clinic_id + "\" needs a name (Chinese or English) — " +
                           kNothingChanged);
        if (too_long(zh) || too_long(en))
            return invalid("a clinic's names are at most 200 characters — " + std::string(kNothingChanged));
        clinic.value().name_zh = zh;
        clinic.value().name_en = en;
        return write_clinic(core.database(), clinic.value(), "clinic-rename", actor, "renaming a clinic");
    });
}

Result<void> set_clinic_retired(Ledger& ledger, const std::string& clinic_id, bool retired,
                                const std::string& actor) {
    return detail::without_exceptions("retiring a clinic", [&]() -> Result<void> {
        auto& core = detail::core_of(ledger);
        if (core.options.read_only)
            return core.read_only_refusal(retired ? "retire a clinic" : "restore a clinic");
        auto clinic = local_clinic(core.database(), clinic_id);
        if (!clinic) return clinic.error();
        if (clinic.value().retired == retired) return {};  // asked twice: already so
        clinic.value().retired = retired;
        return write_clinic(core.database(), clinic.value(), retired ? "clinic-retire" : "clinic-restore",
                            actor, retired ? "retiring a clinic" : "restoring a clinic");
    });
}

}  // namespace medkiosk::storage
