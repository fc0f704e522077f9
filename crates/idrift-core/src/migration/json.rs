//! A reader for migration statistics saved as JSON: `ConvertTo-Json` output (one object or an array of
//! them) and the Exchange admin API `InvokeCommand` response (`{"@odata.context":…,"value":[…]}`), whose
//! items may instead carry CLIXML in `_clixml` when the request asked for `X-ResponseFormat: clixml`.
//!
//! JSON objects become property bags and arrays become lists in the shared document model. OData
//! annotations (`Name@odata.type`, `@adminapi.warnings`) are skipped.

use serde_json::Value as Json;
use serde_json::error::Category;

use super::doc::{Doc, Obj, Value};
use super::{InputFormat, MigrationError, clixml};

/// Reads a JSON document.
///
/// # Errors
/// [`MigrationError::Syntax`] for JSON that does not parse, [`MigrationError::Truncated`] when it ends
/// early (both with line and column), and [`MigrationError::Field`] naming `value[i]._clixml` when an
/// embedded CLIXML item does not parse.
pub(crate) fn parse(text: &str) -> Result<Doc, MigrationError> {
    crate::strict::check_json(text).map_err(|e| MigrationError::Field {
        path: e.path.trim_start_matches("$.").to_owned(),
        line: Some(e.line),
        message: e.message,
    })?;
    let json: Json = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        let message = strip_position(&e.to_string());
        if e.classify() == Category::Eof {
            MigrationError::Truncated {
                format: InputFormat::Json,
                line,
                column,
                detail: message,
            }
        } else {
            MigrationError::Syntax {
                format: InputFormat::Json,
                line,
                column,
                message,
            }
        }
    })?;
    let mut doc = Doc::default();
    let roots: Vec<&Json> = match &json {
        Json::Array(items) => items.iter().collect(),
        // InvokeCommand wraps results in `value` beside OData annotations; Windows PowerShell 5.1's
        // ConvertTo-Json wraps some arrays as `{"value":[…],"Count":n}`.
        Json::Object(map) => match map.get("value") {
            Some(Json::Array(items))
                if map.keys().all(|k| {
                    k.starts_with('@') || k.contains('@') || k == "value" || k == "Count"
                }) =>
            {
                items.iter().collect()
            }
            _ => vec![&json],
        },
        _ => vec![&json],
    };
    for (i, root) in roots.into_iter().enumerate() {
        if let Some(Json::String(xml)) = root.get("_clixml") {
            let nested = clixml::parse(xml).map_err(|e| MigrationError::Field {
                path: format!("value[{i}]._clixml"),
                line: None,
                message: e.to_string(),
            })?;
            let values = doc.absorb(nested);
            doc.roots.extend(values);
        } else {
            let v = convert(&mut doc, root);
            doc.roots.push(v);
        }
    }
    Ok(doc)
}

/// serde_json appends " at line L column C" to its messages; the error already carries both.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn convert(doc: &mut Doc, json: &Json) -> Value {
    match json {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::UInt(u)
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => {
            let items = items.iter().map(|j| convert(doc, j)).collect();
            Value::Obj(doc.push(Obj {
                items: Some(items),
                ..Obj::default()
            }))
        }
        Json::Object(map) => {
            let props = map
                .iter()
                .filter(|(k, _)| !k.contains('@'))
                .map(|(k, j)| (k.clone(), convert(doc, j)))
                .collect();
            Value::Obj(doc.push(Obj {
                props,
                ..Obj::default()
            }))
        }
    }
}

#[cfg(test)]
mod tests;
