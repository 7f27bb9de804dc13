// English for the views' sentences: "a 7" but "an 8", "an 18", "an Ankle boot"; the data
// sources' names; the About box.
#pragma once

#include "app/bridge/data_loading.h"

#include <QString>

namespace nnlab::ui {

// "a" or "an" for `name` as it is read aloud (a class name: a digit, a number or a word).
QString indefiniteArticle(const QString& name);
// The article and the name: "an 8", "a T-shirt/top".
QString withArticle(const QString& name);
// The data box's entry for a source: "MNIST handwritten digits", "Open IDX or CSV files…".
QString dataSourceChoice(app::DataSource source);
// Help ▸ About: what nnlab is, its version, and MNIST's credit (rich text).
QString aboutText();

} // namespace nnlab::ui
