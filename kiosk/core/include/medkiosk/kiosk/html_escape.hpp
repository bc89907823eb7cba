#pragma once

#include <string>
#include <string_view>

namespace medkiosk::kiosk {

// Text placed in an HTML page the kiosk or the hub writes (packing lists, the public report): every
// character that could end an element or an attribute value is escaped, so a product or clinic name
// typed by anyone cannot add markup.
inline std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace medkiosk::kiosk
