#pragma once
// What a clinic-mode kiosk's screens ask of the rest of the kiosk (issue 17): the clinic staff's PIN,
// the stock and the arrivals, a scanned manifest checked, an arrival recorded, packs given out and
// expired ones disposed of. An asynchronous port like the back office's: every call returns a ticket at
// once and the answer comes through take_replies(), so the UI never waits for the ledger.
// LocalClinicOffice answers from the ledger (storage::ClinicStore) on its own job queue
// (job_queue.hpp), whose exception barrier turns a throwing job into an error reply.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "medkiosk/kiosk/back_office.hpp"
#include "medkiosk/kiosk/job_queue.hpp"
#include "medkiosk/storage/clinic_store.hpp"

namespace medkiosk::kiosk {

// The home and stock screens' figures.
struct ClinicOverview {
    std::vector<storage::StockLine> stock;  // on hand, earliest expiry first
    storage::ClinicTotals totals;
    std::vector<storage::ArrivalRecord> arrivals;  // newest first
};

struct ProductNames {
    std::string name_zh;
    std::string name_en;
};

// A scanned manifest as this clinic sees it: confirmed before (when), and its products' names.
struct ManifestCheck {
    storage::Manifest manifest;
    std::optional<storage::ArrivalRecord> already;
    std::vector<ProductNames> names;  // per manifest line
    bool for_this_clinic = true;
    storage::ManifestSignature signature = storage::ManifestSignature::Unsigned;
};

// The clinic this device serves as the kiosk's clinic list names it (storage/clinic_list.hpp); the
// names are empty while the list does not know the id (before the hub's list first arrived).
struct ClinicNames {
    std::string clinic_id;
    std::string name_zh;
    std::string name_en;
};

using ClinicAnswer =
    std::variant<PinCheck, ClinicOverview, ManifestCheck, storage::ArrivalRecord, storage::StockOut,
                 std::vector<storage::StockOut>, ProductNames, ClinicNames>;
using ClinicReply = JobReply<ClinicAnswer>;

class ClinicPort {
  public:
    virtual ~ClinicPort() = default;
    // A PIN of a user of the role "clinic"; that user is the one recorded for what follows.
    virtual std::uint64_t verify_pin(std::string pin) = 0;
    virtual void sign_out() = 0;
    virtual std::uint64_t overview(std::string today) = 0;                 // ClinicOverview
    virtual std::uint64_t check_manifest(storage::Manifest manifest) = 0;  // ManifestCheck
    // Each of these answers its record, or an error saying why not (nothing was recorded).
    virtual std::uint64_t record_arrival(storage::ArrivalInput input) = 0;
    virtual std::uint64_t give_out(std::string arrival_uuid, int line, int quantity, std::string today) = 0;
    virtual std::uint64_t give_out_pack(std::string product, std::string expiry, std::string today) = 0;
    virtual std::uint64_t dispose_expired(std::string today) = 0;
    // A product's names from the catalogue, for a pack scanned that is not on the manifest.
    virtual std::uint64_t product_names(std::string product) = 0;  // ProductNames
    // This device's clinic's names, for the welcome screen; answered without signing in.
    virtual std::uint64_t clinic_names() = 0;  // ClinicNames
    virtual std::vector<ClinicReply> take_replies() = 0;
};

struct LocalClinicOfficeOptions {
    std::filesystem::path ledger_file;
    storage::LedgerOptions ledger_options;
    std::string clinic_id;
    std::filesystem::path pepper_file;  // empty: default_pepper_file(the ledger's directory)
    std::function<void()> recorded;     // called on the office's thread after each record (wakes the sync)
};

std::unique_ptr<ClinicPort> make_local_clinic_office(LocalClinicOfficeOptions options);

}  // namespace medkiosk::kiosk
