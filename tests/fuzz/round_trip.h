// The fuzzers' oracle for model files: whatever a reader accepts, writing it and reading it back
// gives the same model (network, extras and provenance).
#pragma once

#include "engine/model_file.h"

#include <algorithm>
#include <cstring>

namespace nnlab::fuzz {

// How the note must come back: byte for byte (the same format), or as text (through .npz's
// UTF-32, which turns malformed UTF-8 into U+FFFD and, as numpy, drops trailing NULs): then
// only a note of plain ASCII without NULs must come back byte for byte.
enum class Note { Exact, AsText };

// back: the model as read again; original: as it was written.
inline bool sameModel(const engine::Model& back, const engine::Model& original,
                      Note note = Note::Exact)
{
    const auto bits = [](const std::optional<float>& f) {
        std::uint32_t u = 0;
        if (f)
            std::memcpy(&u, &*f, sizeof u);
        return u;
    };
    const auto plain = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c > 0 && c < 0x7f; });
    };
    const engine::ModelInfo& a = back.info;
    const engine::ModelInfo& b = original.info;
    const bool sameNote = a.note == b.note || (note == Note::AsText && !plain(b.note));
    // The provenance comes back whole either way: its strings are valid UTF-8 once read, and
    // the .npz's JSON keeps every byte of them and every float's bits.
    return back.network == original.network && a.samplesSeen == b.samplesSeen && sameNote &&
           a.provenance == b.provenance &&
           a.testAccuracy.has_value() == b.testAccuracy.has_value() &&
           bits(a.testAccuracy) == bits(b.testAccuracy);
}

} // namespace nnlab::fuzz
