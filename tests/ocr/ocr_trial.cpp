#include "ocr_trial.hpp"

#include <time.h>

#include <opencv2/imgproc.hpp>

#include "medkiosk/scanner/ocr/agreement.hpp"

namespace medkiosk::test::ocr {
namespace {

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

TrialResult run_trial(scanner::ocr::TextReader& reader, const FaceScene& scene, int max_frames) {
    TrialResult trial;
    trial.truth = scene.truth();
    scanner::ocr::ReadingAgreement agreement;
    for (int frame_number = 0; frame_number < max_frames; ++frame_number) {
        cv::Mat grey;
        cv::cvtColor(scene.frame(frame_number), grey, cv::COLOR_BGR2GRAY);
        const double cpu_before = thread_cpu_ms();
        const auto lines = reader.read(scanner::ocr::GreyImage{grey.cols, grey.rows, grey.data, grey.step});
        const double cpu_ms = thread_cpu_ms() - cpu_before;
        trial.frame_cpu_ms.push_back(cpu_ms);
        trial.cpu_ms_to_proposal += cpu_ms;
        const double ms = lines.locate_ms + lines.recognise_ms;
        trial.frame_ms.push_back(ms);
        trial.ms_to_proposal += ms;
        ++trial.frames_read;
        trial.last_text = lines.joined();
        const auto reading = scanner::ocr::parse_expiry_text(trial.last_text);
        if (reading.expiry &&
            (reading.expiry != trial.truth.expiry || reading.precision != trial.truth.precision))
            ++trial.wrong_frames;
        agreement.add(reading);
        if (auto agreed = agreement.agreed()) {
            trial.proposal = *agreed;
            const bool right =
                agreed->expiry == trial.truth.expiry && agreed->precision == trial.truth.precision;
            trial.outcome = right ? Outcome::Right : Outcome::Wrong;
            return trial;
        }
    }
    return trial;
}

std::string describe(const TrialResult& trial) {
    std::string text = trial.outcome == Outcome::Right   ? "right"
                       : trial.outcome == Outcome::Wrong ? "WRONG"
                                                         : "none";
    text += ": expected " + (trial.truth.expiry ? scanner::to_iso(*trial.truth.expiry) : std::string("-"));
    if (trial.proposal.expiry) text += ", proposed " + scanner::to_iso(*trial.proposal.expiry);
    text += " after " + std::to_string(trial.frames_read) + " frames; printed {";
    for (const auto& line : trial.truth.printed_lines) text += line + " | ";
    text += "} last read {";
    for (char c : trial.last_text) text += c == '\n' ? std::string(" | ") : std::string(1, c);
    text += "}";
    return text;
}

void TrialSummary::add(const TrialResult& trial) {
    frame_ms.insert(frame_ms.end(), trial.frame_ms.begin(), trial.frame_ms.end());
    frame_cpu_ms.insert(frame_cpu_ms.end(), trial.frame_cpu_ms.begin(), trial.frame_cpu_ms.end());
    wrong_frames += trial.wrong_frames;
    switch (trial.outcome) {
        case Outcome::Right:
            ++right;
            proposal_ms.push_back(trial.ms_to_proposal);
            proposal_cpu_ms.push_back(trial.cpu_ms_to_proposal);
            if (trial.proposal.batch == trial.truth.batch) ++batch_right;
            break;
        case Outcome::Wrong:
            ++wrong;
            break;
        case Outcome::None:
            ++none;
            break;
    }
}

}  // namespace medkiosk::test::ocr
