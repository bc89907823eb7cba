#pragma once
// The county's side of the hub (deploy/hub/04-06): clinics as reference data, where collection points
// are, the bureau's requests, the stock and orders of an allocation, clinic-mode devices. Plain
// records and functions over a HubSession; the planning itself is kiosk/core's (allocation.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::storage {

// kind: "township-health-centre" or "village-clinic".
struct Clinic {
    std::string clinic_id;
    std::string name_zh;
    std::string name_en;
    std::string kind;
    std::string township_zh;
    std::string township_en;
    std::optional<double> latitude;
    std::optional<double> longitude;
    bool deleted = false;  // retired: kept for history, offered to nobody
};

struct ClinicImport {
    std::int64_t written = 0;    // clinics added or changed
    std::int64_t rematched = 0;  // free-text dispatches now matched to a clinic
};
// Adds or updates every clinic in one statement (all or none), then matches the free-text dispatches
// still counted as "other" against the new names.
Result<ClinicImport> import_clinics(HubSession& hub, const std::vector<Clinic>& clinics);
Result<std::vector<Clinic>> list_clinics(HubSession& hub);  // retired ones too, by id

// A collection point's place, for "nearest collection point first".
Result<void> set_collection_point_location(HubSession& hub, const std::string& kiosk_id, double latitude,
                                           double longitude);
struct RoadDistance {
    int line = 0;  // in the file it came from, for error messages
    std::string kiosk_id;
    std::string clinic_id;
    double km = 0;
};
// Road distances override the straight line; all or none.
Result<std::int64_t> import_road_distances(HubSession& hub, const std::vector<RoadDistance>& distances);

// Creates or updates clinic-mode device `device_id`'s login role (clinic_<id>); returns the role.
Result<std::string> add_clinic_device(HubSession& admin, const std::string& device_id,
                                      const std::string& clinic_id, const std::string& password);

// --- Requests

struct ClinicRequestInput {
    int line = 1;  // in the CSV (1 for a request typed on the command line)
    std::string clinic_id;
    std::string category;
    int quantity = 0;
    std::string needed_by;  // YYYY-MM-DD
    std::string note;
};
// All or none; a refusal names the line and column. Returns the new request ids.
Result<std::vector<std::int64_t>> add_requests(HubSession& hub,
                                               const std::vector<ClinicRequestInput>& requests,
                                               const std::string& source);  // "cli" | "csv"

struct ImportedRequest {
    std::int64_t request_id = 0;
    bool already_present = false;  // an open request with the same clinic, category, quantity, needed-by
};
// A bureau's file of requests, all or none, one answer per row in order: a row whose clinic, category,
// quantity and needed-by date match a request at the hub that is not cancelled is answered with that
// request instead of a new one, so importing the same file twice stores its requests once.
Result<std::vector<ImportedRequest>> import_requests(HubSession& hub,
                                                     const std::vector<ClinicRequestInput>& requests);

struct ClinicRequestStatus {
    std::int64_t request_id = 0;
    std::string clinic_id;
    std::string category;
    int quantity = 0;
    std::string needed_by;
    std::string note;
    int allocated = 0;
    int sent = 0;
    int outstanding = 0;
    std::string state;  // open, partly allocated, allocated, sent, cancelled
};
Result<std::vector<ClinicRequestStatus>> list_requests(HubSession& hub, bool include_finished);
Result<void> cancel_request(HubSession& hub, std::int64_t request_id);

// --- Allocation

// A drop-off of the county's accepted, undispatched stock with what is still free of open orders.
struct StockPack {
    std::string kiosk_id;
    std::string dropoff_uuid;
    std::int64_t sequence = 0;
    std::string category;
    std::string product;
    std::string expiry;  // YYYY-MM-DD; "" for packs without one (devices)
    int available = 0;
};
struct OpenRequest {
    std::int64_t request_id = 0;
    std::string clinic_id;
    std::string category;
    std::string needed_by;
    int outstanding = 0;
};
struct CollectionDistance {
    std::string kiosk_id;
    std::string clinic_id;
    std::optional<double> km;  // nullopt: no location and no road distance known
};
// An open order for a clinic that was retired since: its packs stay held until it is withdrawn.
struct RetiredClinicOrder {
    std::string order_uuid;
    std::int64_t request_id = 0;
    std::string kiosk_id;
    std::string clinic_id;
    int ordered = 0;
    int sent = 0;
};

struct AllocationInput {
    std::string as_of;  // the hub's date (or a later one the bureau plans for)
    std::vector<StockPack> stock;
    std::vector<OpenRequest> requests;
    std::vector<CollectionDistance> distances;
    // Not allocated, and why: requests with something outstanding whose clinic is retired, and the
    // open orders of retired clinics. The bureau withdraws them (or brings the clinic back).
    std::vector<OpenRequest> retired_clinic_requests;
    std::vector<RetiredClinicOrder> retired_clinic_orders;
};
// Reads the stock with something available, the requests with something outstanding, and the
// distances. `as_of` empty: the hub's current date.
Result<AllocationInput> load_allocation_input(HubSession& hub, const std::string& as_of = {});

struct PlannedPack {
    std::int64_t request_id = 0;
    std::string kiosk_id;
    std::string dropoff_uuid;
    int quantity = 0;
};
struct PublishedOrder {
    std::string order_uuid;
    std::int64_t request_id = 0;
    std::string kiosk_id;
    std::string clinic_id;
    int packs = 0;
};
// hub.publish_allocation: checked again under the allocation lock; all orders or none. A plan the
// stock no longer allows (another allocation published first) is refused with the reason.
Result<std::vector<PublishedOrder>> publish_allocation(HubSession& hub, const std::vector<PlannedPack>& plan,
                                                       int margin_days, const std::string& as_of);

struct DispatchOrderStatus {
    std::string order_uuid;
    std::int64_t request_id = 0;
    std::string kiosk_id;
    std::string clinic_id;
    std::string created_at;
    int ordered = 0;
    int sent = 0;
    std::string state;  // open, sent, closed, cancelled
};
Result<std::vector<DispatchOrderStatus>> list_orders(HubSession& hub, bool include_finished);
Result<void> cancel_order(HubSession& hub, const std::string& order_uuid);

}  // namespace medkiosk::storage
