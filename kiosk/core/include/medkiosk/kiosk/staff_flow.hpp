#pragma once
// Staff and technician mode as a plain state machine: the hidden entry, the PIN pad with lockout
// (judged by the back office port), the staff queue with filters and selection, and the way out.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "medkiosk/kiosk/back_office_ports.hpp"
#include "medkiosk/kiosk/review_hold.hpp"

namespace medkiosk::kiosk {

enum class StaffScreen { Closed, Pin, Queue, Technician, Dispatch, Charts };

struct StaffSettings {
    std::chrono::milliseconds hidden_press{3000};  // hold the top-left corner this long to open the PIN pad
    std::chrono::seconds idle_timeout{120};        // an unattended staff screen closes itself
    std::size_t max_pin_digits = 8;
    std::size_t min_pin_digits = 4;
    std::chrono::milliseconds undo_window{10000};  // a refusal or disposal can be taken back this long
};

class StaffFlow {
  public:
    StaffFlow(SignInPort& sign_in, StaffPort& office, StaffSettings settings = {});

    StaffScreen screen() const { return screen_; }
    bool open() const { return screen_ != StaffScreen::Closed; }
    Role role() const { return role_; }
    std::size_t pin_length() const { return pin_.size(); }  // the pad shows dots, never digits
    bool checking() const { return pin_ticket_ != 0; }
    const std::optional<PinCheck>& last_check() const { return last_check_; }
    bool locked(std::chrono::steady_clock::time_point now) const { return locked_seconds(now) > 0; }
    int locked_seconds(std::chrono::steady_clock::time_point now) const;

    // The hidden entry: the corner is held from `since`; opens the PIN pad once held long enough.
    void hold_corner(std::chrono::steady_clock::time_point since, std::chrono::steady_clock::time_point now,
                     Role role);
    void open_pin(Role role, std::chrono::steady_clock::time_point now);
    void switch_role(Role role, std::chrono::steady_clock::time_point now);
    void press_digit(int digit, std::chrono::steady_clock::time_point now);
    void erase(std::chrono::steady_clock::time_point now);
    void submit(std::chrono::steady_clock::time_point now);
    void close();

    // Queue (staff)
    const QueueFilter& filter() const { return filter_; }
    void set_filter(QueueFilter filter, std::chrono::steady_clock::time_point now);
    void refresh(std::chrono::steady_clock::time_point now);
    bool loading() const { return queue_ticket_ != 0; }
    const std::vector<QueueItem>& items() const { return items_; }
    const std::set<std::string>& selected() const { return selected_; }
    void toggle(const std::string& uuid, std::chrono::steady_clock::time_point now);
    void select_all(std::chrono::steady_clock::time_point now);
    void clear_selection(std::chrono::steady_clock::time_point now);
    // On the selection. A confirmation is stored at once; a refusal or disposal is held for the undo
    // window (review_hold.hpp says why) and stored when it has passed, when another refusal follows,
    // or when the pharmacist leaves the queue (dispatch, charts, close: the action is final then).
    // Held items leave the list and the selection at once, as if stored.
    void apply(ReviewAction action, std::chrono::steady_clock::time_point now);
    // The refusal or disposal that can still be undone, if any.
    const std::optional<ReviewHold::Held>& held() const { return hold_.held(); }
    // Items an earlier refusal or disposal held back that the one now held made final before their
    // window closed (one hold at a time): Undo no longer reaches them, and the banner must say so
    // beside the new Undo. Zero when the hold shown displaced nothing still undoable.
    struct MadeFinal {
        std::size_t rejected = 0;
        std::size_t disposed = 0;
        bool any() const { return rejected + disposed > 0; }
    };
    const MadeFinal& made_final() const { return made_final_; }
    int undo_seconds_left(std::chrono::steady_clock::time_point now) const { return hold_.seconds_left(now); }
    // Within the window: nothing is stored but an audit row for the undo; the items come back to
    // the list and to the selection as they were. After it: nothing happens (the action is final).
    void undo(std::chrono::steady_clock::time_point now);
    // The hub sync's figures for the queue's header (cheap: no database); nullopt without a hub.
    std::optional<storage::SyncProgress> sync_state() const { return office_.sync_state(); }
    const std::string& message() const { return message_; }  // the last error or outcome to show
    // The last outcome as the screens say it (a translation key and its values); an empty key when
    // the message has no translation (an error's technician-facing detail).
    const Done& message_done() const { return message_done_; }
    bool message_ok() const { return message_ok_; }

    // Re-classify (staff): a category picker for the selection, from the catalogue's categories.
    const std::vector<std::string>& categories() const { return categories_; }
    bool picking_category() const { return picking_category_; }
    void start_reclassify(std::chrono::steady_clock::time_point now);
    void cancel_reclassify(std::chrono::steady_clock::time_point now);
    void reclassify(const std::string& category, std::chrono::steady_clock::time_point now);
    bool busy() const { return action_ticket_ != 0; }  // a review, re-classify or dispatch is being stored

    // Dispatch (staff): to a clinic chosen from the county's list (no typing), accepted items
    // earliest expiry first, each kept or left with a quantity (part of a drop-off's packs may go; the
    // rest stays in the queue); or an order the bureau published for this collection point, fulfilled
    // fully or partly, and closed when nothing more will come.
    struct DispatchLine {
        QueueItem item;  // quantity: the packs that can go now
        bool included = true;
        int quantity = 1;  // 1..item.quantity
    };
    void open_dispatch(std::chrono::steady_clock::time_point now);
    const std::vector<DispatchLine>& dispatch_lines() const { return dispatch_lines_; }
    const std::vector<storage::ClinicChoice>& clinics() const { return clinics_; }
    // The clinics' townships, in the list's order; the picker shows one township's clinics at a time.
    std::vector<std::string> townships() const;
    const std::string& township() const { return township_; }
    void choose_township(std::string township, std::chrono::steady_clock::time_point now);
    const std::string& clinic_id() const { return clinic_id_; }
    const storage::ClinicChoice* clinic() const;  // the chosen one, or nullptr
    void choose_clinic(const std::string& clinic_id, std::chrono::steady_clock::time_point now);
    const std::vector<storage::DispatchOrder>& orders() const { return orders_; }
    const std::string& order() const { return order_; }  // the order being fulfilled, or ""
    // An order's packs that are here become the lines, its clinic the clinic; "" goes back to a
    // dispatch of free packs.
    void choose_order(const std::string& order_uuid, std::chrono::steady_clock::time_point now);
    bool closes_order() const { return closes_order_; }
    void set_closes_order(bool closes, std::chrono::steady_clock::time_point now);
    void set_included(const std::string& uuid, bool included, std::chrono::steady_clock::time_point now);
    void set_quantity(const std::string& uuid, int quantity, std::chrono::steady_clock::time_point now);
    int dispatch_count() const;  // items included
    int dispatch_packs() const;  // their packs
    void confirm_dispatch(std::chrono::steady_clock::time_point now);
    bool dispatch_loading() const { return plan_ticket_ != 0; }
    // The dispatch just recorded (its manifest QR and packing list), shown until finish_dispatch().
    const std::optional<DispatchDone>& dispatched() const { return dispatched_; }
    void finish_dispatch(std::chrono::steady_clock::time_point now);
    void back_to_queue(std::chrono::steady_clock::time_point now);

    // Charts (staff): drop-offs per day and per category over the last `days` days.
    void open_charts(int days, std::chrono::steady_clock::time_point now);
    const std::optional<ChartData>& charts() const { return charts_; }
    bool charts_loading() const { return charts_ticket_ != 0; }

    // A problem the flow itself found (before asking the back office), as a translation key; "" none.
    const std::string& notice() const { return notice_; }

    void on_reply(const BackOfficeReply& reply, std::chrono::steady_clock::time_point now);
    void tick(std::chrono::steady_clock::time_point now);
    // Any touch or key on an open staff or technician screen (the window calls it): the screen closes
    // `idle_timeout` after the last one, not after sign-in.
    void touch(std::chrono::steady_clock::time_point now) { last_activity_ = now; }

  private:
    void show_result(const BackOfficeReply& reply);         // a command's Done or error as the message
    void store_held(std::optional<ReviewHold::Held> held);  // a hold that has become final
    bool hidden(const std::string& uuid) const;             // held, or being stored

    SignInPort& sign_in_;
    StaffPort& office_;
    StaffSettings settings_;
    StaffScreen screen_ = StaffScreen::Closed;
    Role role_ = Role::Staff;
    std::string pin_;
    std::uint64_t pin_ticket_ = 0;
    std::optional<PinCheck> last_check_;
    // Per role: each role's pad waits on its own count in the ledger (a staff pad made to wait must not
    // keep the technician out).
    std::map<Role, std::chrono::steady_clock::time_point> locked_until_;
    QueueFilter filter_;
    std::uint64_t queue_ticket_ = 0;
    std::uint64_t action_ticket_ = 0;
    std::vector<QueueItem> items_;
    std::set<std::string> selected_;
    std::string message_;
    Done message_done_;
    bool message_ok_ = false;
    std::string notice_;
    std::uint64_t categories_ticket_ = 0;
    std::vector<std::string> categories_;
    bool picking_category_ = false;
    std::uint64_t plan_ticket_ = 0;
    std::vector<DispatchLine> dispatch_lines_;
    std::vector<QueueItem> free_items_;  // the plan's packs, for a dispatch that fulfils no order
    std::vector<storage::ClinicChoice> clinics_;
    std::string township_;
    std::string clinic_id_;
    std::vector<storage::DispatchOrder> orders_;
    std::string order_;
    bool closes_order_ = false;
    std::optional<DispatchDone> dispatched_;
    void fill_lines();
    std::uint64_t charts_ticket_ = 0;
    std::optional<ChartData> charts_;
    std::chrono::steady_clock::time_point last_activity_{};
    ReviewHold hold_;
    MadeFinal made_final_;
    std::map<std::uint64_t, std::vector<std::string>> storing_;  // a final hold's ticket → its items
    std::uint64_t undo_ticket_ = 0;
};

}  // namespace medkiosk::kiosk
