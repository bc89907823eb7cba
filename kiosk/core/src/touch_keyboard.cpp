#include "medkiosk/kiosk/touch_keyboard.hpp"

#include <utility>

namespace medkiosk::kiosk {
namespace {

using Key = TouchKeyboard::Key;
using Kind = TouchKeyboard::Key::Kind;

Key text_key(std::string text, std::string id = {}) {
    if (id.empty()) id = text;
    return Key{Kind::Text, std::move(text), 1.0f, std::move(id)};
}

std::vector<Key> text_row(const std::string& characters) {
    std::vector<Key> row;
    for (char c : characters) row.push_back(text_key(std::string(1, c)));
    return row;
}

// Symbols get ids a shell and a log can carry.
Key symbol(const char* text, const char* name) {
    return text_key(text, std::string("sym-") + name);
}

// The bottom row is the same on both layers but for the layer key's face.
std::vector<Key> bottom_row() {
    return {Key{Kind::Layer, "", 1.5f, "layer"},
            symbol("/", "slash"),
            symbol(":", "colon"),
            symbol("@", "at"),
            Key{Kind::Space, " ", 3.0f, "space"},
            symbol(".", "dot"),
            Key{Kind::Cancel, "", 1.5f, "cancel"},
            Key{Kind::Done, "", 2.0f, "done"}};
}

const std::vector<std::vector<Key>>& letter_rows() {
    static const std::vector<std::vector<Key>> rows = [] {
        std::vector<std::vector<Key>> made{text_row("1234567890"), text_row("qwertyuiop"),
                                           text_row("asdfghjkl")};
        made[2].push_back(symbol("-", "minus"));
        std::vector<Key> fourth{Key{Kind::Shift, "", 1.5f, "shift"}};
        for (const Key& key : text_row("zxcvbnm")) fourth.push_back(key);
        fourth.push_back(symbol("_", "underscore"));
        fourth.push_back(Key{Kind::Backspace, "", 1.5f, "backspace"});
        made.push_back(std::move(fourth));
        made.push_back(bottom_row());
        return made;
    }();
    return rows;
}

const std::vector<std::vector<Key>>& symbol_rows() {
    static const std::vector<std::vector<Key>> rows = [] {
        std::vector<std::vector<Key>> made{text_row("1234567890")};
        made.push_back({symbol("!", "bang"), symbol("#", "hash"), symbol("$", "dollar"),
                        symbol("%", "percent"), symbol("&", "amp"), symbol("*", "star"),
                        symbol("(", "lparen"), symbol(")", "rparen"), symbol("'", "quote"),
                        symbol("\"", "dquote")});
        made.push_back({symbol("-", "minus"), symbol("_", "underscore"), symbol("=", "equals"),
                        symbol("+", "plus"), symbol("?", "question"), symbol(";", "semicolon"),
                        symbol(",", "comma"), symbol("~", "tilde"), symbol("\\", "backslash"),
                        symbol("|", "pipe")});
        made.push_back({symbol("[", "lbracket"), symbol("]", "rbracket"), symbol("{", "lbrace"),
                        symbol("}", "rbrace"), symbol("<", "less"), symbol(">", "greater"),
                        symbol("^", "caret"), symbol("`", "backtick"),
                        Key{Kind::Backspace, "", 2.0f, "backspace"}});
        made.push_back(bottom_row());
        return made;
    }();
    return rows;
}

bool is_letter(const std::string& text) {
    return text.size() == 1 && text[0] >= 'a' && text[0] <= 'z';
}

}  // namespace

namespace {

// At most `max_bytes`, never half a character: the continuation bytes of a cut one and its lead
// byte are dropped.
std::string cut_to(std::string text, std::size_t max_bytes) {
    if (text.size() > max_bytes) {
        text.resize(max_bytes);
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
        if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) text.pop_back();
    }
    return text;
}

}  // namespace

void TouchKeyboard::open(std::string text) {
    text_ = cut_to(std::move(text), max_bytes_);
    opened_with_ = text_;
    layer_ = Layer::Letters;
    shift_ = Shift::Off;
}

void TouchKeyboard::follow(std::string text) {
    text_ = cut_to(std::move(text), max_bytes_);
}

const std::vector<std::vector<Key>>& TouchKeyboard::rows() const {
    return layer_ == Layer::Letters ? letter_rows() : symbol_rows();
}

std::string TouchKeyboard::face(const Key& key) const {
    if (key.kind != Kind::Text) return "";  // the screen shows the translation "kbd.<id>"
    if (layer_ == Layer::Letters && shift_ != Shift::Off && is_letter(key.text))
        return std::string(1, static_cast<char>(key.text[0] - 'a' + 'A'));
    return key.text;
}

void TouchKeyboard::type(const std::string& text) {
    if (text_.size() + text.size() > max_bytes_) return;  // full: the key does nothing
    text_ += text;
}

TouchKeyboard::Outcome TouchKeyboard::press(const Key& key) {
    switch (key.kind) {
        case Kind::Text:
            type(face(key));
            if (shift_ == Shift::Once && is_letter(key.text)) shift_ = Shift::Off;
            return Outcome::Editing;
        case Kind::Shift:
            shift_ = shift_ == Shift::Off ? Shift::Once : shift_ == Shift::Once ? Shift::Locked : Shift::Off;
            return Outcome::Editing;
        case Kind::Layer:
            layer_ = layer_ == Layer::Letters ? Layer::Symbols : Layer::Letters;
            return Outcome::Editing;
        case Kind::Backspace:
            // Whole UTF-8 characters: a field opened with Chinese text never keeps half a character.
            while (!text_.empty() && (static_cast<unsigned char>(text_.back()) & 0xC0) == 0x80)
                text_.pop_back();
            if (!text_.empty()) text_.pop_back();
            return Outcome::Editing;
        case Kind::Space:
            type(" ");
            return Outcome::Editing;
        case Kind::Done:
            return Outcome::Done;
        case Kind::Cancel:
            text_ = opened_with_;
            return Outcome::Cancelled;
    }
    return Outcome::Editing;
}

const TouchKeyboard::Key* TouchKeyboard::find(const std::string& id) const {
    for (const auto& row : rows())
        for (const auto& key : row)
            if (key.id == id) return &key;
    return nullptr;
}

}  // namespace medkiosk::kiosk
