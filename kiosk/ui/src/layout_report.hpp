#pragma once
// The layout check of the test builds (MEDKIOSK_LOG_LAYOUT=1 read by medkiosk-test-hooks): after a
// frame is rendered it reads back what was really drawn — every glyph from ImGui's draw data (a glyph
// is a textured quad whose UV rectangle is one of the atlas's glyphs) and every button and field the
// widgets drew — and logs, once per distinct screen state, what does not fit:
//   event=layout screen=S size=WxH lang=zh glyphs=N items=M problems=K
//   event=layout-problem screen=S size=WxH lang=zh kind=K text="…" at=x,y,w,h [other=…]
// Kinds: outside-window, clipped (text or button cut by its panel or a table column), label-cut (a
// button's label wider than the button), overflow (a panel without a scrollbar holds more than it
// shows), overlap (text on text, button on button, text across a button's edge), latin-word (a Latin
// word on a Chinese screen), ascii-punctuation (ASCII punctuation in a Chinese sentence).
// The release kiosk never enables it; it costs nothing there.

#include <string>
#include <string_view>

namespace medkiosk::ui {

// `data_words`: Latin words the test put in the data (user logins …), allowed on Chinese screens.
void EnableLayoutReport(std::string data_words);
bool LayoutReportEnabled();

// Called by the widgets for each button ("button") and text field ("field") right after it is drawn;
// `label` is what the button shows (without its ##id).
void NoteLayoutItem(std::string_view kind, std::string_view label);

// The last item drawn shows Latin letters on purpose: the other language (the language switch, the
// welcome's title in both) or keys a technician types as they are (category keys in a rule's hint).
// The Latin check skips its text.
void NoteLatinOnPurpose();

// After ImGui::Render(): checks the frame's draw data and the items noted since the last call.
void ReportLayout(std::string_view screen, std::string_view lang);

}  // namespace medkiosk::ui
