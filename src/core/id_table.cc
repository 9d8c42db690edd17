#include "core/id_table.h"

#include <functional>

namespace recsys {

uint32_t IdTable::Hash(std::string_view id) {
  const uint64_t h = std::hash<std::string_view>{}(id);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

size_t IdTable::Probe(std::string_view id, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.entry == 0 || (slot.hash == hash && Entry(slot.entry - 1) == id)) return i;
  }
}

void IdTable::PrefetchSlot(uint32_t hash) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
}

void IdTable::PrefetchEntry(uint32_t hash) const {
  if (slots_.empty()) return;
  // The home slot's entry only: an id further along its probe run is read unprefetched.
  const Slot& slot = slots_[hash & (slots_.size() - 1)];
  if (slot.entry != 0) __builtin_prefetch(arena_.data() + size_t{slot.entry - 1} * 4);
}

std::optional<uint32_t> IdTable::Find(std::string_view id) const {
  return FindHashed(id, Hash(id));
}

std::optional<uint32_t> IdTable::FindHashed(std::string_view id, uint32_t hash) const {
  if (slots_.empty()) return std::nullopt;
  const Slot& slot = slots_[Probe(id, hash)];
  if (slot.entry == 0) return std::nullopt;
  return EntryIndex(slot.entry - 1);
}

uint32_t IdTable::Intern(std::string_view id, uint32_t hash) {
  if (2 * (size() + 1) > slots_.size()) Rehash(slots_.empty() ? 16 : 2 * slots_.size());
  Slot& slot = slots_[Probe(id, hash)];
  if (slot.entry != 0) return EntryIndex(slot.entry - 1);
  const auto index = static_cast<uint32_t>(size());
  const auto length = static_cast<uint32_t>(id.size());
  const size_t start = arena_.size();
  arena_.resize(start + ((kHeader + id.size() + 3) & ~size_t{3}));
  std::memcpy(arena_.data() + start, &index, sizeof index);
  std::memcpy(arena_.data() + start + sizeof index, &length, sizeof length);
  std::memcpy(arena_.data() + start + kHeader, id.data(), id.size());
  const auto word = static_cast<uint32_t>(start / 4);
  entries_.push_back(word);
  slot = {hash, word + 1};
  return index;
}

void IdTable::Rehash(size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{0, 0});
  const size_t mask = slot_count - 1;
  for (const Slot& slot : old) {
    if (slot.entry == 0) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].entry != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

size_t IdTable::GrowthForNew(size_t length) const {
  const size_t entry = (kHeader + length + 3) & ~size_t{3};
  size_t growth = entry;
  if (arena_.size() + entry > arena_.capacity()) growth += std::max(arena_.capacity(), entry);
  if (entries_.size() == entries_.capacity())
    growth += std::max<size_t>(entries_.capacity(), 1) * 4;
  if (2 * (size() + 1) > slots_.size())
    growth += std::max<size_t>(slots_.size(), 16) * 2 * sizeof(Slot);
  return growth;
}

size_t IdTable::MemoryBytes() const {
  return arena_.capacity() + entries_.capacity() * sizeof(uint32_t) +
         slots_.capacity() * sizeof(Slot);
}

}  // namespace recsys
