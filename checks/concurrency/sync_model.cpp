#include "sync_model.hpp"

namespace gocxx::concurrency {

int body::find(const slot_key& key) const {
  for (size_t i = 0; i < slots.size(); ++i)
    if (slots[i] == key) return static_cast<int>(i);
  return -1;
}

int body::slot(const slot_key& key, const std::string& name) {
  if (key.nameable())
    if (int found = find(key); found >= 0) return found;
  slots.push_back(key);
  slot_names.push_back(name);
  return static_cast<int>(slots.size() - 1);
}

}  // namespace gocxx::concurrency
