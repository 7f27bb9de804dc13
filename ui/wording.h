// English for the views' sentences: "a 7" but "an 8", "an 18", "an Ankle boot".
#pragma once

#include <QString>

namespace nnlab::ui {

// "a" or "an" for `name` as it is read aloud (a class name: a digit, a number or a word).
QString indefiniteArticle(const QString& name);
// The article and the name: "an 8", "a T-shirt/top".
QString withArticle(const QString& name);

} // namespace nnlab::ui
