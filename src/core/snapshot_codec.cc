#include "core/snapshot_codec.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "core/str_format.h"

namespace recsys {

struct SnapshotCodec {
  static std::string Format() {
    return StrFormat("snapshot-v%d-%s-n%zu-d%zu-s%zu", kSnapshotFormVersion,
                     std::endian::native == std::endian::little ? "le" : "be",
                     sizeof(SignalSnapshot::Neighbour), sizeof(SignalSnapshot::DayScore),
                     sizeof(decltype(IdTable::slots_)::value_type));
  }

  template <typename T>
  static void Put(const ByteSink& sink, const T& value) {
    EncodeValue(sink, value);
  }
  template <typename T>
  static void Put(const ByteSink& sink, const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put(sink, uint64_t{values.size()});
    if (!values.empty()) {
      sink({reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)});
    }
  }
  template <typename T>
  static bool Get(std::string_view* in, T* value) {
    return DecodeValue(in, value);
  }
  template <typename T>
  static bool Get(std::string_view* in, std::vector<T>* values) {
    uint64_t n;
    if (!Get(in, &n) || n > in->size() / sizeof(T)) return false;
    values->resize(n);
    if (n > 0) std::memcpy(values->data(), in->data(), n * sizeof(T));
    in->remove_prefix(n * sizeof(T));
    return true;
  }

  static void Put(const ByteSink& sink, const IdTable& t) {
    Put(sink, t.arena_);
    Put(sink, t.entries_);
    Put(sink, t.slots_);
  }
  static bool Get(std::string_view* in, IdTable* t) {
    if (!Get(in, &t->arena_) || !Get(in, &t->entries_) || !Get(in, &t->slots_)) return false;
    const size_t n = t->entries_.size(), slot_count = t->slots_.size();
    // Probing ends only if some slot is empty: the table must be at most half full.
    if ((slot_count & (slot_count - 1)) != 0 || 2 * n > slot_count || n > UINT32_MAX) {
      return false;
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t start = size_t{t->entries_[i]} * 4;
      if (start % 4 != 0 || start + IdTable::kHeader > t->arena_.size()) return false;
      uint32_t length;
      std::memcpy(&length, t->arena_.data() + start + sizeof(uint32_t), sizeof length);
      if (t->EntryIndex(t->entries_[i]) != i ||
          length > t->arena_.size() - start - IdTable::kHeader) {
        return false;
      }
    }
    size_t used = 0;
    for (const IdTable::Slot& slot : t->slots_) {
      if (slot.entry == 0) continue;
      ++used;
      const size_t start = size_t{slot.entry - 1} * 4;
      if (start + IdTable::kHeader > t->arena_.size()) return false;
      const uint32_t index = t->EntryIndex(slot.entry - 1);
      if (index >= n || t->entries_[index] != slot.entry - 1 ||
          IdTable::Hash(t->id(index)) != slot.hash) {
        return false;
      }
    }
    return used == n;
  }

  // offsets has count + 1 ascending entries from 0 to values.size().
  template <typename T>
  static bool ValidOffsets(const std::vector<uint32_t>& offsets, size_t count,
                           const std::vector<T>& values) {
    if (offsets.size() != count + 1 || offsets[0] != 0 || offsets.back() != values.size()) {
      return false;
    }
    for (size_t i = 0; i < count; ++i) {
      if (offsets[i] > offsets[i + 1]) return false;
    }
    return true;
  }
  template <typename T, typename Index>
  static bool AllBelow(const std::vector<T>& values, size_t bound, Index index) {
    for (const T& v : values) {
      if (index(v) >= bound) return false;
    }
    return true;
  }

  static void Encode(const SignalSnapshot& s, const ByteSink& sink) {
    Put(sink, s.item_ids_);
    Put(sink, s.tag_names_);
    Put(sink, s.reference_day_);
    Put(sink, s.through_day_);
    Put(sink, s.half_life_days_);
    Put(sink, s.popularity_);
    Put(sink, s.day_offsets_);
    Put(sink, s.days_);
    Put(sink, s.by_popularity_);
    Put(sink, s.neighbour_offsets_);
    Put(sink, s.neighbours_);
    Put(sink, s.successor_offsets_);
    Put(sink, s.successors_);
    Put(sink, s.tag_offsets_);
    Put(sink, s.item_tags_);
    Put(sink, s.posting_offsets_);
    Put(sink, s.postings_);
    Put(sink, s.brand_);
    Put(sink, s.category_);
  }

  static bool Decode(std::string_view* in, SignalSnapshot* s) {
    if (!Get(in, &s->item_ids_) || !Get(in, &s->tag_names_) || !Get(in, &s->reference_day_) ||
        !Get(in, &s->through_day_) || !Get(in, &s->half_life_days_) || !Get(in, &s->popularity_) ||
        !Get(in, &s->day_offsets_) || !Get(in, &s->days_) || !Get(in, &s->by_popularity_) ||
        !Get(in, &s->neighbour_offsets_) || !Get(in, &s->neighbours_) ||
        !Get(in, &s->successor_offsets_) || !Get(in, &s->successors_) ||
        !Get(in, &s->tag_offsets_) || !Get(in, &s->item_tags_) || !Get(in, &s->posting_offsets_) ||
        !Get(in, &s->postings_) || !Get(in, &s->brand_) || !Get(in, &s->category_)) {
      return false;
    }
    const size_t n = s->item_ids_.size(), tags = s->tag_names_.size();
    const auto item = [](auto v) { return v; };
    const auto neighbour = [](const SignalSnapshot::Neighbour& v) { return v.item; };
    const auto tag_or_none = [](TagIndex t) { return t == kNoTag ? 0 : size_t{t} + 1; };
    const bool valid =
        std::isfinite(s->half_life_days_) && s->half_life_days_ > 0 && s->popularity_.size() == n &&
        ValidOffsets(s->day_offsets_, n, s->days_) && s->by_popularity_.size() == n &&
        AllBelow(s->by_popularity_, n, item) &&
        ValidOffsets(s->neighbour_offsets_, n, s->neighbours_) &&
        AllBelow(s->neighbours_, n, neighbour) &&
        ValidOffsets(s->successor_offsets_, n, s->successors_) &&
        AllBelow(s->successors_, n, neighbour) && ValidOffsets(s->tag_offsets_, n, s->item_tags_) &&
        AllBelow(s->item_tags_, tags, item) &&
        ValidOffsets(s->posting_offsets_, tags, s->postings_) && AllBelow(s->postings_, n, item) &&
        s->brand_.size() == n && AllBelow(s->brand_, tags + 1, tag_or_none) &&
        s->category_.size() == n && AllBelow(s->category_, tags + 1, tag_or_none);
    if (valid) {  // derived, not encoded
      s->ClassifyTags();
      s->KeepShortcutsOfOnePerItem();
    }
    return valid;
  }
};

void EncodeString(const ByteSink& sink, std::string_view text) {
  EncodeValue(sink, static_cast<uint32_t>(text.size()));
  sink(text);
}

bool DecodeString(std::string_view* input, std::string_view* out) {
  uint32_t n;
  if (!DecodeValue(input, &n) || n > input->size()) return false;
  *out = input->substr(0, n);
  input->remove_prefix(n);
  return true;
}

std::string SnapshotFormat() { return SnapshotCodec::Format(); }

void EncodeSnapshot(const SignalSnapshot& snapshot, const ByteSink& sink) {
  SnapshotCodec::Encode(snapshot, sink);
}

Result<std::shared_ptr<const SignalSnapshot>> DecodeSnapshot(std::string_view* input) {
  auto snapshot = std::make_shared<SignalSnapshot>();
  if (!SnapshotCodec::Decode(input, snapshot.get())) {
    return Status::InvalidArgument("not a well-formed signal snapshot");
  }
  return std::shared_ptr<const SignalSnapshot>(std::move(snapshot));
}

}  // namespace recsys
