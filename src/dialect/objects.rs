//! How the dialects read JSON: serde_json's reader, with every struct read from a JSON object.
//!
//! A `#[derive(Deserialize)]` struct accepts a JSON array as well as an object (its fields by position), because
//! `serde_json` hands `deserialize_struct` whichever it finds. No provider frame is ever an array standing for an
//! object: read positionally, `[]` would be a chunk with nothing in it (silently no event) instead of a malformed
//! frame, and `["x"]` would be a chunk whose first field is `"x"`. So [`from_json`] passes serde_json's
//! deserializer through [`ObjectsOnly`], which asks for a map wherever a struct is wanted, at every depth. Each
//! struct's positional reader is then never instantiated, which also keeps it out of the module.
//!
//! **A repeated member: the last one counts**, as in `JSON.parse` and serde_json's `Value`. A derived struct
//! rejects a repeated field ("duplicate field"), which would lose the whole frame, and servers do repeat members:
//! NVIDIA's OpenAI-compatible endpoint sends `reasoning_content` twice in one delta for some models. Such a frame is
//! read a second time in [`Repeats::LastWins`] mode, where each object's members are first collected as
//! `(key, RawValue)`, earlier copies of a repeated key dropped, and the rest replayed to the struct. Only frames
//! with a repeated member pay for that; `RawValue`s (tool arguments) are never rewritten, repeats included.
//!
//! Everything else is serde_json's own: its errors (with line and column), its strings (borrowed where they have no
//! escape), its `RawValue` (passed through untouched, so raw values keep their exact text).

use std::fmt;

use serde::de::value::StringDeserializer;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Reads `text` as one JSON value of type `T` (whitespace around it allowed), every struct from a JSON object and
/// the last of repeated members counting.
pub(crate) fn from_json<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, serde_json::Error> {
    match read(text, Repeats::Rejected) {
        Err(e) if is_repeated_member(&e) => read(text, Repeats::LastWins),
        result => result,
    }
}

fn read<'a, T: Deserialize<'a>>(text: &'a str, repeats: Repeats) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(ObjectsOnly { inner: &mut deserializer, repeats })?;
    deserializer.end()?;
    Ok(value)
}

/// Whether `error` is a derived struct's rejection of a repeated field (serde's `Error::duplicate_field`, whose
/// message serde_json keeps).
fn is_repeated_member(error: &serde_json::Error) -> bool {
    error.is_data() && error.to_string().starts_with("duplicate field `")
}

/// How a struct reads an object with a repeated member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeats {
    /// Member by member as serde_json reads them: a repeated field is an error (the fast path, for nearly every
    /// frame).
    Rejected,
    /// Members collected first, then the last copy of each replayed.
    LastWins,
}

/// A deserializer that reads structs as maps only, and wraps whatever it hands on so that nested values do too.
struct ObjectsOnly<D> {
    inner: D,
    repeats: Repeats,
}

/// Forwards methods whose visitor receives only scalars (nothing to wrap below it).
macro_rules! forward_scalars {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    forward_scalars! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64
        deserialize_char deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_option(Nested { visitor, repeats: self.repeats })
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_unit_struct(name, visitor)
    }

    /// Passed on untouched: serde_json reads its `RawValue` through a newtype struct of a private name.
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_seq(Nested { visitor, repeats: self.repeats })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_tuple(len, Nested { visitor, repeats: self.repeats })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_tuple_struct(name, len, Nested { visitor, repeats: self.repeats })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(Nested { visitor, repeats: self.repeats })
    }

    /// The point of this type: a struct is read from a JSON object, never from an array.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(Nested { visitor, repeats: self.repeats })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A visitor whose nested values (an option's content, array elements, object members) are read through
/// [`ObjectsOnly`] too.
struct Nested<V> {
    visitor: V,
    repeats: Repeats,
}

/// Forwards visits of scalars.
macro_rules! forward_visits {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: serde::de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.visitor.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Nested<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visits! {
        visit_bool(bool) visit_i64(i64) visit_u64(u64) visit_f64(f64) visit_str(&str) visit_borrowed_str(&'de str)
        visit_string(String) visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(ObjectsOnly { inner: deserializer, repeats: self.repeats })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(ObjectsOnly { inner: deserializer, repeats: self.repeats })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(Elements { seq, repeats: self.repeats })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let members = match self.repeats {
            Repeats::Rejected => Members::Live { map, repeats: self.repeats },
            Repeats::LastWins => last_copies(map)?,
        };
        self.visitor.visit_map(members)
    }
}

/// An array's elements, each read through [`ObjectsOnly`].
struct Elements<A> {
    seq: A,
    repeats: Repeats,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Elements<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.seq.next_element_seed(Through { seed, repeats: self.repeats })
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// An object's members, each value read through [`ObjectsOnly`] (keys are strings: nothing to wrap): as serde_json
/// reads them, or replayed by [`last_copies`]. One type for both, so that each struct's reader is instantiated once.
enum Members<'de, A> {
    Live { map: A, repeats: Repeats },
    Replay { members: std::vec::IntoIter<(String, &'de RawValue)>, value: Option<&'de RawValue> },
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Members<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self {
            Members::Live { map, .. } => map.next_key_seed(seed),
            Members::Replay { members, value } => match members.next() {
                Some((key, raw)) => {
                    *value = Some(raw);
                    let key: StringDeserializer<A::Error> = key.into_deserializer();
                    seed.deserialize(key).map(Some)
                }
                None => Ok(None),
            },
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        match self {
            Members::Live { map, repeats } => map.next_value_seed(Through { seed, repeats: *repeats }),
            Members::Replay { value, .. } => {
                let raw = value.take().ok_or_else(|| A::Error::custom("a member's value was read twice"))?;
                let mut deserializer = serde_json::Deserializer::from_str(raw.get());
                seed.deserialize(ObjectsOnly { inner: &mut deserializer, repeats: Repeats::LastWins })
                    .map_err(A::Error::custom)
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        match self {
            Members::Live { map, .. } => map.size_hint(),
            Members::Replay { members, .. } => Some(members.len()),
        }
    }
}

/// An object's members for [`Repeats::LastWins`]: collected as `(key, RawValue)` (which only serde_json's own
/// `MapAccess` can give), the last copy of each key kept, in their order, to be replayed. Generic over the
/// `MapAccess` alone, so one copy of this code serves every struct.
fn last_copies<'de, A: MapAccess<'de>>(mut map: A) -> Result<Members<'de, A>, A::Error> {
    let mut members: Vec<(String, &'de RawValue)> = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        let value = map.next_value::<&'de RawValue>()?;
        members.retain(|(earlier, _)| *earlier != key);
        members.push((key, value));
    }
    Ok(Members::Replay { members: members.into_iter(), value: None })
}

/// A seed that reads its value through [`ObjectsOnly`].
struct Through<S> {
    seed: S,
    repeats: Repeats,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Through<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(ObjectsOnly { inner: deserializer, repeats: self.repeats })
    }
}
