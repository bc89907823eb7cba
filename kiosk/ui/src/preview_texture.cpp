#include "preview_texture.hpp"

#include <GL/gl.h>

#include <cstdint>

namespace medkiosk::ui {

namespace {

unsigned int new_texture() {
    unsigned int texture = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return texture;
}

void* as_id(unsigned int texture) {
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(texture));
}

}  // namespace

PreviewTexture::~PreviewTexture() {
    if (texture_ != 0) glDeleteTextures(1, &texture_);
    if (picture_texture_ != 0) glDeleteTextures(1, &picture_texture_);
}

void* PreviewTexture::picture(std::uint64_t key, int width, int height,
                              const std::vector<std::uint8_t>& grey) {
    if (width <= 0 || height <= 0 ||
        grey.size() < static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
        return nullptr;
    if (picture_texture_ != 0 && key == picture_key_) return as_id(picture_texture_);
    if (picture_texture_ == 0) picture_texture_ = new_texture();
    // Grey to RGB: a core-profile driver has no one-channel grey format that shows as grey.
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    for (std::size_t i = 0; i < rgb.size() / 3; ++i) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = grey[i];
    glBindTexture(GL_TEXTURE_2D, picture_texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, width, height, 0, GL_RGB, GL_UNSIGNED_BYTE, rgb.data());
    picture_key_ = key;
    return as_id(picture_texture_);
}

void PreviewTexture::update(const scanner::FramePtr& frame) {
    if (!frame || frame->rgb.empty()) return;
    if (has_frame_ && frame->sequence == sequence_) return;
    if (texture_ == 0) texture_ = new_texture();
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
    return has_frame_ ? as_id(texture_) : nullptr;
}

}  // namespace medkiosk::ui
