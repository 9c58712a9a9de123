//! CSV text: one header and rows of fields, written with the csv crate's quoting. Each
//! renderer (`list`, `stats`, `path`) chooses its columns; this only writes them.

pub use ::csv::Result;

/// The CSV text of `header` (column names, comma-separated) and `rows`. Every row must have
/// as many fields as the header has names.
pub fn to_string<R, F>(header: &str, rows: impl IntoIterator<Item = R>) -> Result<String>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header.split(','))?;
    for row in rows {
        w.write_record(row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // Every field is a `str` or valid UTF-8 bytes; the writer adds only ASCII.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
