#include "sync_model.hpp"

namespace gocxx::concurrency {

int body::slot(const slot_key& key, const std::string& name) {
  if (key.nameable())
    for (size_t i = 0; i < slots.size(); ++i)
      if (slots[i] == key) return static_cast<int>(i);
  slots.push_back(key);
  slot_names.push_back(name);
  return static_cast<int>(slots.size() - 1);
}

}  // namespace gocxx::concurrency
