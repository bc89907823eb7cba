#pragma once
// One generated box face read the way the kiosk reads it: frame after frame through the TextReader
// and the ≥2-frame agreement, until a proposal or the frame limit. Shared by the regression suite
// and the benchmark so both measure the same thing.

#include <string>
#include <vector>

#include "label_faces.hpp"
#include "medkiosk/scanner/ocr/expiry_text.hpp"
#include "medkiosk/scanner/ocr/text_reader.hpp"

namespace medkiosk::test::ocr {

enum class Outcome { Right, Wrong, None };

struct TrialResult {
    Outcome outcome = Outcome::None;
    scanner::ocr::ExpiryReading proposal;  // when one was made
    int frames_read = 0;
    double ms_to_proposal = 0;      // OCR wall time summed over the frames it took
    double cpu_ms_to_proposal = 0;  // the same in CPU time of the reading thread: the time on one
                                    // dedicated core, whatever else the machine is doing
    std::vector<double> frame_ms, frame_cpu_ms;
    int wrong_frames = 0;   // frames whose own reading had a wrong date
    std::string last_text;  // what the last frame read, for a miss report
    FaceTruth truth;
};

TrialResult run_trial(scanner::ocr::TextReader& reader, const FaceScene& scene, int max_frames);
std::string describe(const TrialResult& trial);

struct TrialSummary {
    int right = 0, wrong = 0, none = 0, wrong_frames = 0, batch_right = 0;
    std::vector<double> frame_ms, proposal_ms, frame_cpu_ms, proposal_cpu_ms;
    void add(const TrialResult& trial);
};

}  // namespace medkiosk::test::ocr
