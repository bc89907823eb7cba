#include "preview_texture.hpp"

#include <GL/gl.h>

#include <cstdint>

namespace medkiosk::ui {

PreviewTexture::~PreviewTexture() {
    if (texture_ != 0) glDeleteTextures(1, &texture_);
}

void PreviewTexture::update(const scanner::FramePtr& frame) {
    if (!frame || frame->rgb.empty()) return;
    if (has_frame_ && frame->sequence == sequence_) return;
    if (texture_ == 0) {
        glGenTextures(1, &texture_);
        glBindTexture(GL_TEXTURE_2D, texture_);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    glBindTexture(GL_TEXTURE_2D, texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    if (frame->width != width_ || frame->height != height_) {
        width_ = frame->width;
        height_ = frame->height;
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, width_, height_, 0, GL_RGB, GL_UNSIGNED_BYTE,
                     frame->rgb.data());
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width_, height_, GL_RGB, GL_UNSIGNED_BYTE, frame->rgb.data());
    }
    sequence_ = frame->sequence;
    has_frame_ = true;
}

void* PreviewTexture::id() const {
    return has_frame_ ? reinterpret_cast<void*>(static_cast<std::uintptr_t>(texture_)) : nullptr;
}

}  // namespace medkiosk::ui
