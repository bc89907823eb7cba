#pragma once
// A collection point's dispatches to clinics (issue 17): the county's clinics and the bureau's orders
// as pulled from the hub, the accepted packs free to send (what is neither dispatched nor held for an
// order), and the dispatch itself — to a clinic chosen from the list, fulfilling an order fully or
// partly, any part of a drop-off's packs — with its manifest (lines of alike packs, the QR a clinic
// scans). Each dispatch commits with its items, lines, outbox row and audit row in one transaction.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/storage/county.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/manifest.hpp"

namespace medkiosk::storage {

namespace detail {
class Database;
}

// A clinic of the kiosk's list (clinic_list.hpp): as the hub feeds it (hub.clinic_feed), or added here
// by the technician.
struct ClinicChoice {
    std::string clinic_id;
    std::string name_zh;
    std::string name_en;
    std::string kind;  // township-health-centre | village-clinic
    std::string township_zh;
    std::string township_en;
    bool retired = false;        // kept for the dispatches that named it, never offered
    std::string source = "hub";  // "hub" (read-only here) or "local" (the technician's own)
    std::string updated_at;      // UTC, when this kiosk last changed or received it
};

// An accepted drop-off with packs still here and free: `free` = quantity − dispatched − held for the
// bureau's open orders.
struct DispatchCandidate {
    StaffQueueRow row;
    int dispatched = 0;
    int held_for_orders = 0;
    int free = 0;
};

struct OrderItem {
    std::string dropoff_uuid;
    int ordered = 0;
    int sent = 0;                          // by this collection point's dispatches for the order
    int available = 0;                     // of the rest, still here to send (0 when the pack left otherwise)
    std::optional<StaffQueueRow> dropoff;  // nullopt: the drop-off is not in this ledger
};

// An order the bureau published for this collection point (hub.order_feed).
struct DispatchOrder {
    std::string order_uuid;
    std::string clinic_id;
    std::int64_t request_id = 0;
    std::string category;
    std::string needed_by;
    std::string created_at;
    bool closed = false;  // a dispatch of ours closed it (the rest is not coming)
    std::vector<OrderItem> items;
    int ordered() const;
    int sent() const;
};

struct DispatchRequest {
    std::string clinic_id;      // from clinics(); may stay empty when order_uuid names the order
    std::string clinic_name;    // before clinics were reference data: a typed name (clinic_id left empty)
    std::string order_uuid;     // the order this dispatch fulfils, or ""
    bool closes_order = false;  // nothing more will be sent for the order
    std::vector<DispatchItem> items;
    std::int64_t user_id = 0;
    // A pack the kiosk accepted and nobody reviewed yet is approved by `user_id` in the same
    // transaction (the dispatch is its confirmation).
    bool confirm_kiosk_accepted = false;
};

struct DispatchRecord {
    Dispatch dispatch;      // uuid, clinic (its Chinese name, or the typed one), user, time, items
    std::string clinic_id;  // "" for a typed name that matches no clinic
    std::string order_uuid;
    bool closes_order = false;
    Manifest manifest;
    std::string manifest_code;  // encode_manifest(manifest), signed: the QR's text
};

class DispatchBook {
  public:
    // Its own connection to the ledger (migrated through Ledger::open first).
    static Result<std::unique_ptr<DispatchBook>> open(const std::filesystem::path& ledger_file,
                                                      const LedgerOptions& options);
    // On a connection the caller owns and keeps open (the Ledger's own); manifests are signed with the
    // key in `signing_key_file` (kiosk_key.hpp).
    DispatchBook(detail::Database& db, std::string kiosk_id, std::filesystem::path signing_key_file);
    ~DispatchBook();
    DispatchBook(const DispatchBook&) = delete;
    DispatchBook& operator=(const DispatchBook&) = delete;

    // The clinics a dispatch may name (not retired; the hub's and the technician's), by township then
    // name.
    Result<std::vector<ClinicChoice>> clinics();
    // A site without a network gets the clinic list from a file (the hub's clinics CSV); a later
    // pull from the hub replaces it. All or none, with an audit row.
    Result<void> import_clinics(const std::vector<Clinic>& clinics, const std::string& actor);
    // Orders not cancelled by the bureau; finished ones (all sent, or closed) only when asked.
    Result<std::vector<DispatchOrder>> orders(bool include_finished = false);
    // Packs free to dispatch, earliest expiry first, none-expiring (devices) last.
    Result<std::vector<DispatchCandidate>> candidates(int limit);
    Result<DispatchRecord> record(const DispatchRequest& request);
    Result<DispatchRecord> find(const std::string& dispatch_uuid);
    Result<std::vector<DispatchRecord>> recent(int limit);  // newest first

  private:
    struct Impl;
    explicit DispatchBook(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace medkiosk::storage
