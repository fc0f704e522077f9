//! The document model every input form is read into: PowerShell's object graph as CLIXML describes it
//! (objects with type names, a `ToString`, properties, list items and a wrapped primitive), with object
//! references resolved to shared ids.
//!
//! CLIXML maps onto it directly; JSON objects become property bags and arrays become lists; the
//! Format-List reader builds the same shape from its records. One extractor then reads the migration
//! statistics out of any of them.

/// An object's index in [`Doc::objs`].
pub(crate) type ObjId = usize;

/// A value: a primitive or a reference to an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `<Nil/>` or JSON `null`.
    Nil,
    /// A string (`<S>`, `<URI>`, `<Version>`, a JSON string, a Format-List value).
    Str(String),
    /// `<B>` or a JSON boolean.
    Bool(bool),
    /// A signed or small unsigned integer (`<I32>`, `<I64>`, `<U32>`, ...).
    Int(i64),
    /// `<U64>` or a JSON number above `i64::MAX`.
    UInt(u64),
    /// `<Db>`, `<Sg>`, `<D>` or a JSON fraction.
    Float(f64),
    /// A primitive kept as its text (`<DT>`, `<G>`, `<TS>`, `<BA>`, ...).
    Other(String),
    /// An object.
    Obj(ObjId),
}

/// A complex object (`<Obj>`, a JSON object or array, a Format-List record).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Obj {
    /// Type names, most derived first (`<TN>`).
    pub(crate) type_names: Vec<String>,
    /// The `<ToString>` text.
    pub(crate) to_string: Option<String>,
    /// The primitive an object wraps (an enum's `<I32>`).
    pub(crate) value: Option<Value>,
    /// Adapted and extended properties (`<Props>` and `<MS>`), in document order.
    pub(crate) props: Vec<(String, Value)>,
    /// Items when the object is a collection (`<LST>`, `<IE>`, `<STK>`, `<QUE>`, a JSON array).
    pub(crate) items: Option<Vec<Value>>,
    /// The 1-based line where the object starts, when the input form has lines.
    pub(crate) line: Option<usize>,
}

/// A parsed document: its objects and its top-level values.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Doc {
    /// Every object, referenced by [`Value::Obj`].
    pub(crate) objs: Vec<Obj>,
    /// The top-level values, in order.
    pub(crate) roots: Vec<Value>,
}

impl Doc {
    /// Adds an object and returns its id.
    pub(crate) fn push(&mut self, obj: Obj) -> ObjId {
        self.objs.push(obj);
        self.objs.len() - 1
    }

    /// The object a value refers to, if it is one.
    pub(crate) fn obj(&self, v: &Value) -> Option<&Obj> {
        match v {
            Value::Obj(id) => self.objs.get(*id),
            _ => None,
        }
    }

    /// A property of an object by name (case-insensitive, as PowerShell matches names).
    pub(crate) fn prop<'a>(&'a self, obj: &'a Obj, name: &str) -> Option<&'a Value> {
        obj.props
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The first of several property names that is present and not `Nil`.
    pub(crate) fn prop_any<'a>(
        &'a self,
        obj: &'a Obj,
        names: &[&'static str],
    ) -> Option<(&'static str, &'a Value)> {
        names.iter().find_map(|n| match self.prop(obj, n) {
            Some(Value::Nil) | None => None,
            Some(v) => Some((*n, v)),
        })
    }

    /// The text PowerShell would show for a value: the string itself, a number, or an object's `ToString`.
    pub(crate) fn text(&self, v: &Value) -> Option<String> {
        match v {
            Value::Nil => None,
            Value::Str(s) | Value::Other(s) => Some(s.clone()),
            Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
            Value::Int(n) => Some(n.to_string()),
            Value::UInt(n) => Some(n.to_string()),
            Value::Float(x) => Some(x.to_string()),
            Value::Obj(_) => {
                let o = self.obj(v)?;
                match (&o.to_string, &o.value) {
                    (Some(s), _) => Some(s.clone()),
                    (None, Some(inner)) if !matches!(inner, Value::Obj(_)) => self.text(inner),
                    _ => None,
                }
            }
        }
    }

    /// A collection's items: a list object's items, or the list inside Windows PowerShell 5.1's
    /// `{"value":[…],"Count":n}` wrapper.
    pub(crate) fn items<'a>(&'a self, v: &'a Value) -> Option<&'a [Value]> {
        let o = self.obj(v)?;
        if let Some(items) = o.items.as_deref() {
            return Some(items);
        }
        let wrapper = !o.props.is_empty()
            && o.props
                .iter()
                .all(|(n, _)| n.eq_ignore_ascii_case("value") || n.eq_ignore_ascii_case("Count"));
        if !wrapper {
            return None;
        }
        let inner = self.prop(o, "value")?;
        self.obj(inner)?.items.as_deref()
    }

    /// Moves another document's objects into this one and returns its roots, renumbered.
    pub(crate) fn absorb(&mut self, other: Doc) -> Vec<Value> {
        let offset = self.objs.len();
        let shift = |v: Value| match v {
            Value::Obj(id) => Value::Obj(id + offset),
            other => other,
        };
        for mut o in other.objs {
            o.value = o.value.map(shift);
            o.props = o.props.into_iter().map(|(n, v)| (n, shift(v))).collect();
            o.items = o.items.map(|items| items.into_iter().map(shift).collect());
            self.objs.push(o);
        }
        other.roots.into_iter().map(shift).collect()
    }
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
