// The hash-chained audit log: appending a row inside a change's transaction, reading and verifying
// the chain (the Ledger's audit()).

#include "audit.hpp"

#include <sodium.h>

#include <array>

#include "ledger_core.hpp"
#include "medkiosk/storage/audit_log.hpp"

namespace medkiosk::storage::detail {
namespace {

constexpr const char* kHeadSeqKey = "audit.head_seq";
constexpr const char* kHeadHashKey = "audit.head_hash";
constexpr const char* kSelectRows =
    "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY seq";

AuditRow read_audit_row(const Statement& row) {
    return {row.column_int64(0), row.column_text(1), row.column_text(2),
            row.column_text(3),  row.column_text(4), row.column_text(5),
            row.column_text(6),  row.column_text(7), row.column_text(8)};
}

void absorb(crypto_generichash_state& state, std::string_view field) {
    const std::uint64_t size = field.size();
    std::array<unsigned char, 8> prefix{};
    for (int i = 0; i < 8; ++i)
        prefix[static_cast<std::size_t>(i)] = static_cast<unsigned char>(size >> (8 * i));
    crypto_generichash_update(&state, prefix.data(), prefix.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();
    return hex;
}

}  // namespace

std::string audit_row_hash(const AuditRow& row) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
    const std::string seq = std::to_string(row.seq);
    for (std::string_view field :
         {std::string_view(row.prev_hash), std::string_view(seq), std::string_view(row.at),
          std::string_view(row.actor), std::string_view(row.action), std::string_view(row.entity),
          std::string_view(row.entity_id), std::string_view(row.detail)}) {
        absorb(state, field);
    }
    std::array<unsigned char, crypto_generichash_BYTES> digest{};
    crypto_generichash_final(&state, digest.data(), digest.size());
    return to_hex(digest.data(), digest.size());
}

Result<void> append_audit(Database& db, std::string_view actor, std::string_view action,
                          std::string_view entity, std::string_view entity_id, std::string_view detail_json,
                          std::string_view at) {
    constexpr std::string_view kDoing = "appending to the audit log";
    AuditRow row;
    {
        auto last = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        if (!last) return last.error();
        Statement& query = last.value();
        const int rc = query.step();
        if (rc == SQLITE_ROW) {
            row.seq = query.column_int64(0) + 1;
            row.prev_hash = query.column_text(1);
        } else if (rc == SQLITE_DONE) {
            row.seq = 1;
            row.prev_hash = kAuditGenesisHash;
        } else {
            return db.last_error(rc, kDoing);
        }
    }
    row.at = at;
    row.actor = actor;
    row.action = action;
    row.entity = entity;
    row.entity_id = entity_id;
    row.detail = detail_json;
    row.hash = audit_row_hash(row);

    auto insert = db.prepare(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert) return insert.error();
    Statement& s = insert.value();
    s.bind_int64(1, row.seq);
    s.bind_text(2, row.at);
    s.bind_text(3, row.actor);
    s.bind_text(4, row.action);
    s.bind_text(5, row.entity);
    s.bind_text(6, row.entity_id);
    s.bind_text(7, row.detail);
    s.bind_text(8, row.prev_hash);
    s.bind_text(9, row.hash);
    if (const int rc = s.step(); rc != SQLITE_DONE) return db.last_error(rc, kDoing);

    auto head = db.prepare(
        "INSERT INTO settings (key, value) VALUES (?1, ?2), (?3, ?4) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!head) return head.error();
    Statement& h = head.value();
    h.bind_text(1, kHeadSeqKey);
    h.bind_text(2, std::to_string(row.seq));
    h.bind_text(3, kHeadHashKey);
    h.bind_text(4, row.hash);
    if (const int rc = h.step(); rc != SQLITE_DONE) return db.last_error(rc, kDoing);
    return {};
}

Result<AuditReport> verify_audit_chain(Database& db) {
    constexpr std::string_view kDoing = "verifying the audit log";
    AuditReport report;
    auto rows = db.prepare(kSelectRows);
    if (!rows) return rows.error();
    Statement& query = rows.value();
    std::int64_t expected_seq = 1;
    std::string previous_hash = kAuditGenesisHash;
    int rc = SQLITE_ROW;
    while ((rc = query.step()) == SQLITE_ROW) {
        const AuditRow row = read_audit_row(query);
        ++report.rows;
        const std::string where = "audit row " + std::to_string(row.seq);
        if (row.seq != expected_seq) {
            report.problems.push_back(where + ": expected row " + std::to_string(expected_seq) +
                                      " here — row(s) were removed");
        }
        if (row.prev_hash != previous_hash) {
            report.problems.push_back(where +
                                      ": does not follow the row before it — rows were removed, "
                                      "inserted or reordered");
        }
        if (audit_row_hash(row) != row.hash) {
            report.problems.push_back(where + ": its content does not match its hash — the row was changed");
        }
        expected_seq = row.seq + 1;
        previous_hash = row.hash;
    }
    if (rc != SQLITE_DONE) return db.last_error(rc, kDoing);

    auto head = db.prepare(
        "SELECT (SELECT value FROM settings WHERE key = ?1), "
        "(SELECT value FROM settings WHERE key = ?2)");
    if (!head) return head.error();
    Statement& h = head.value();
    h.bind_text(1, kHeadSeqKey);
    h.bind_text(2, kHeadHashKey);
    if (h.step() != SQLITE_ROW) return db.last_error(SQLITE_ERROR, kDoing);
    const std::string head_seq = h.column_text(0), head_hash = h.column_text(1);
    const std::string last_seq = report.rows == 0 ? std::string() : std::to_string(expected_seq - 1);
    const std::string last_hash = report.rows == 0 ? std::string() : previous_hash;
    if (head_seq != last_seq || head_hash != last_hash) {
        report.problems.push_back("the audit log ends at row " + (last_seq.empty() ? "0" : last_seq) +
                                  " but its recorded head is row " + (head_seq.empty() ? "0" : head_seq) +
                                  " — the last row(s) were removed or the head was changed");
    }
    return report;
}

}  // namespace medkiosk::storage::detail

namespace medkiosk::storage {

Result<std::vector<AuditRow>> AuditLog::rows() {
    constexpr std::string_view kDoing = "reading the audit log";
    return detail::without_exceptions(kDoing, [&]() -> Result<std::vector<AuditRow>> {
        detail::Database& db = core_.database();
        auto query = db.prepare(detail::kSelectRows);
        if (!query) return query.error();
        return detail::read_all(db, query.value(), kDoing, detail::read_audit_row);
    });
}

Result<AuditReport> AuditLog::verify() {
    constexpr std::string_view kDoing = "verifying the audit log";
    return detail::without_exceptions(kDoing, [&]() -> Result<AuditReport> {
        detail::Database& db = core_.database();
        // One read transaction so the rows and the recorded head agree while the kiosk keeps writing.
        return detail::in_read_transaction(db, kDoing, [&] { return detail::verify_audit_chain(db); });
    });
}

}  // namespace medkiosk::storage
