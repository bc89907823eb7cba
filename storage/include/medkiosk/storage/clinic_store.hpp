#pragma once
// A clinic-mode device's ledger (issue 17): the dispatches that arrived (confirmed from their manifest
// QR, counted per line, with what was missing, damaged or extra), the packs given out free — a count
// and a day, nothing about a person — and those sent to disposal, and the stock on hand that follows.
// Every change commits with its outbox row and audit row in one transaction, like a drop-off, and
// syncs through the same outbox to hub.clinic_ingest.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/manifest.hpp"

namespace medkiosk::storage {

// How one manifest line was found when the box was opened: received ≤ the line's packs; damaged ≤
// received. A line not counted is taken as received in full, undamaged.
struct LineCount {
    int line = 0;
    int received = 0;
    int damaged = 0;
};

// Packs in the box that were not on the manifest.
struct ExtraPacks {
    std::string product;
    std::string expiry;    // YYYY-MM-DD or ""
    std::string category;  // "" when unknown: "unclassified"
    int quantity = 0;
    int damaged = 0;
};

struct ArrivalInput {
    Manifest manifest;
    std::vector<LineCount> counts;
    std::vector<ExtraPacks> extras;
    std::int64_t user_id = 0;
    std::string note;
};

struct ArrivalLine {
    int line = 0;
    std::string product;
    std::string expiry;
    std::string category;
    int expected = 0;  // on the manifest (0 for an extra line)
    int received = 0;
    int damaged = 0;
    bool extra = false;
    int missing() const { return expected > received ? expected - received : 0; }
};

struct ArrivalRecord {
    std::string uuid;
    std::string clinic_id;
    std::string dispatch_kiosk_id;
    std::string dispatch_uuid;
    std::string order_uuid;
    std::string received_at;  // UTC ISO-8601
    std::vector<ArrivalLine> lines;
};

// One line of stock on hand: usable packs received on it, less those given out or disposed of.
struct StockLine {
    std::string arrival_uuid;
    int line = 0;
    std::string product;
    std::string name_zh;  // from the catalogue; "" when unknown
    std::string name_en;
    std::string expiry;  // "" none
    std::string category;
    int on_hand = 0;
    std::optional<int> days_left;  // to the expiry from `today`; nullopt without one
    bool expiring_soon = false;    // within the warning days, not yet expired
    bool expired = false;
};

struct StockOut {
    std::string uuid;
    std::string arrival_uuid;
    int line = 0;
    std::string kind;  // given_out | expired | damaged
    int quantity = 0;
    std::string day;  // YYYY-MM-DD, the clinic's local day
};

// The device's totals since it started, for its own screen and for tests: received is usable packs.
struct ClinicTotals {
    std::int64_t arrivals = 0;
    std::int64_t received = 0;
    std::int64_t given_out = 0;
    std::int64_t expired = 0;
    std::int64_t damaged = 0;  // disposed of after arrival as damaged
    std::int64_t on_hand = 0;
};

class ClinicStore {
  public:
    // The device belongs to `clinic_id` for good: a ledger of another clinic, or one holding a
    // collection point's drop-offs, is refused (a clinic-mode kiosk needs its own data directory).
    static Result<std::unique_ptr<ClinicStore>> open(const std::filesystem::path& ledger_file,
                                                     const LedgerOptions& options,
                                                     const std::string& clinic_id);
    ~ClinicStore();
    ClinicStore(const ClinicStore&) = delete;
    ClinicStore& operator=(const ClinicStore&) = delete;

    const std::string& clinic_id() const;

    // Whether the manifest is what its collection point signed, by the key the hub fed this device.
    Result<ManifestSignature> manifest_signature(const Manifest& manifest);
    // A dispatch is confirmed once; one for another clinic, or a manifest whose signature does not
    // match its collection point's key (changed, or printed by someone else), is refused. Unsigned
    // and not-yet-verifiable manifests are taken: the hub counts an arrival only against a dispatch
    // it holds.
    Result<ArrivalRecord> record_arrival(const ArrivalInput& input);
    Result<std::optional<ArrivalRecord>> arrival_for(const std::string& dispatch_kiosk_id,
                                                     const std::string& dispatch_uuid);
    Result<std::vector<ArrivalRecord>> arrivals(int limit);  // newest first

    // Lines with packs on hand, earliest expiry first; warnings within `warn_days` of `today`.
    Result<std::vector<StockLine>> stock(const std::string& today, int warn_days = 30);
    // `quantity` packs of one line given out on `today`.
    Result<StockOut> give_out(const std::string& arrival_uuid, int line, int quantity, std::int64_t user_id,
                              const std::string& today);
    // One scanned pack given out: the line of that product (and expiry, when the code has one) that
    // expires first and still has packs, expired ones never.
    Result<StockOut> give_out_pack(const std::string& product, const std::string& expiry,
                                   std::int64_t user_id, const std::string& today);
    // reason: "expired" or "damaged".
    Result<StockOut> dispose(const std::string& arrival_uuid, int line, int quantity,
                             const std::string& reason, std::int64_t user_id, const std::string& today);
    // Every expired pack on hand goes to disposal, in one transaction.
    Result<std::vector<StockOut>> dispose_expired(std::int64_t user_id, const std::string& today);
    Result<ClinicTotals> totals();

  private:
    struct Impl;
    explicit ClinicStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace medkiosk::storage
