#pragma once
// The on-screen keyboard's logic for the staff and technician text fields (clinic, hub address, file
// paths …) on a kiosk with a touch screen and no keyboard: Latin letters, digits and the symbols those
// fields need, in two layers (letters with shift, symbols), backspace, space, done and cancel. Plain
// text in, plain text out: a screen only draws rows() (keys ≥ 11 mm) and passes the pressed key to
// press(), so tests drive it without a window. The ImGui panel is kiosk/ui's touch_keyboard.cpp, opened
// by a tap on any staff or technician text field (InputString).

#include <cstddef>
#include <string>
#include <vector>

namespace medkiosk::kiosk {

class TouchKeyboard {
  public:
    enum class Layer { Letters, Symbols };
    enum class Shift { Off, Once, Locked };  // Once: the next letter only; a second tap locks
    enum class Outcome { Editing, Done, Cancelled };

    struct Key {
        enum class Kind { Text, Shift, Layer, Backspace, Space, Done, Cancel };
        Kind kind = Kind::Text;
        std::string text;    // what a Text key types (its lower-case form on the letter layer)
        float width = 1.0f;  // in key widths: the space bar and Done are wider
        std::string id;      // stable name for tests and logs: "a", "1", "sym-at", "shift", "done" …
    };

    // At most `max_bytes` of text (the fields' buffers hold 255).
    explicit TouchKeyboard(std::size_t max_bytes = 255) : max_bytes_(max_bytes) {}

    // Starts editing `text` (what the field holds now) on the letter layer, shift off.
    void open(std::string text);
    // The field changed by other means (a physical keyboard) while open: follow it; Cancel still goes
    // back to the text the field had when opened.
    void follow(std::string text);
    const std::string& text() const { return text_; }
    Layer layer() const { return layer_; }
    Shift shift() const { return shift_; }

    // The rows of the shown layer, top to bottom.
    const std::vector<std::vector<Key>>& rows() const;
    // What a text key types now (letters follow shift); "" for the other keys, whose faces are words
    // in the language files ("kbd.<id>": kbd.shift, kbd.layer, kbd.backspace, kbd.space, kbd.done …).
    std::string face(const Key& key) const;
    // Applies one key; Done or Cancelled ends the editing (text() is then the result, or the text the
    // field had when opened).
    Outcome press(const Key& key);
    // The key named `id` on the shown layer, or nullptr (tests and the screen's log).
    const Key* find(const std::string& id) const;

  private:
    void type(const std::string& text);
    std::size_t max_bytes_;
    std::string text_;
    std::string opened_with_;
    Layer layer_ = Layer::Letters;
    Shift shift_ = Shift::Off;
};

}  // namespace medkiosk::kiosk
