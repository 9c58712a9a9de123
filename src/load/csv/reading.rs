//! The reading thread: one thread reads records and converts them into [`Item`]s in
//! batches while the calling thread stores them in row order; the reader comes back at the
//! first unreadable record, and everything after it is read on the calling thread.

use std::io::Read;

use super::rows::{Item, Rows};
use super::store::Store;

/// Records handed from the reading thread to the storing one at a time.
const BATCH: usize = 1024;

/// Converted rows on their way to [`Store::add`], and the read error that ended them.
#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    /// The `from` and `to` ids of the batch's deals, back to back.
    names: String,
    error: Option<csv::Error>,
}

/// Reads every record after the header into `store`, converting them with `rows`: on a
/// second thread while it can, on this one after the first unreadable record (or when no
/// thread can be made). `record` is the buffer for this thread's reads.
pub(super) fn read_rows<R: Read + Send>(
    reader: csv::Reader<R>,
    record: &mut csv::ByteRecord,
    rows: &mut Rows,
    store: &mut Store,
) {
    // A second thread reads and converts rows while this one stores them, in row order.
    // It stops at the first unreadable record and hands the reader back, so what follows an
    // error is read here, exactly as before (and so is everything if no thread can be made).
    let mut lent = Some(reader);
    let stopped = std::thread::scope(|scope| {
        let (full, batches) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (recycle, empties) = std::sync::mpsc::channel::<Batch>();
        let rows = &mut *rows;
        let lent = &mut lent;
        let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
            let Some(mut reader) = lent.take() else {
                return;
            };
            let mut record = csv::ByteRecord::new();
            loop {
                let mut batch = empties.try_recv().unwrap_or_default();
                let mut done = false;
                while batch.items.len() < BATCH {
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {
                            let item = rows.convert(&record, &mut batch.names);
                            batch.items.push(item);
                        }
                        Ok(false) => {
                            done = true;
                            break;
                        }
                        Err(e) => {
                            batch.error = Some(e);
                            done = true;
                            break;
                        }
                    }
                }
                if full.send(batch).is_err() || done {
                    *lent = Some(reader);
                    return;
                }
            }
        });
        let Ok(worker) = spawned else {
            return false;
        };
        let mut stopped = false;
        for mut batch in batches {
            for item in batch.items.drain(..) {
                store.add(item, &batch.names);
            }
            batch.names.clear();
            if let Some(e) = batch.error.take() {
                stopped = store.csv_error(e);
            }
            // The reader may be gone already; the batch is then simply dropped.
            let _ = recycle.send(batch);
        }
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        stopped
    });
    let mut reader = lent.expect("the reading thread hands the reader back");
    let mut names = String::new();
    if !stopped {
        loop {
            match reader.read_byte_record(record) {
                Ok(true) => {
                    names.clear();
                    let item = rows.convert(record, &mut names);
                    store.add(item, &names);
                }
                Ok(false) => break,
                Err(e) => {
                    if store.csv_error(e) {
                        break;
                    }
                }
            }
        }
    }
}
