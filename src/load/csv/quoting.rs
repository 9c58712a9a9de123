//! CSV quoting, followed byte by byte beside the csv crate, which ends a quoted field
//! silently at the end of the input: [`QuoteTracker`] finds the quote left open.

use std::io::Read;

/// Follows CSV quoting byte by byte (as csv-core reads it) to find a quoted field still open
/// at the end of the input.
pub(super) struct QuoteTracker<R> {
    inner: R,
    state: QuoteState,
    /// Newlines seen so far, and where the open quoted field started (line, byte).
    newlines: u32,
    offset: u64,
    opened: (u32, u64),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl<R> QuoteTracker<R> {
    pub(super) fn new(inner: R) -> Self {
        QuoteTracker::at(inner, 0, 0)
    }

    /// A tracker for input that starts at a record boundary `offset` bytes into a file,
    /// after `newlines` newlines.
    pub(super) fn at(inner: R, newlines: u32, offset: u64) -> Self {
        QuoteTracker {
            inner,
            state: QuoteState::FieldStart,
            newlines,
            offset,
            opened: (0, 0),
        }
    }

    /// The 1-based line and byte offset of a quote opened and never closed.
    pub(super) fn unclosed(&self) -> Option<(u32, u64)> {
        (self.state == QuoteState::Quoted).then_some(self.opened)
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.feed(&buf[..n]);
        Ok(n)
    }
}

impl<R> QuoteTracker<R> {
    /// Follows the quoting of `chunk`, the next bytes of the input.
    pub(super) fn feed(&mut self, chunk: &[u8]) {
        let n = chunk.len();
        if let Some(&last) = chunk.last()
            && memchr::memchr(b'"', chunk).is_none()
        {
            // No quote: only newlines count, and unless a quoted field is open the state is
            // decided by the last byte alone (what the loop below would compute).
            self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u32;
            self.offset += n as u64;
            if self.state != QuoteState::Quoted {
                self.state = match last {
                    b',' | b'\n' | b'\r' => QuoteState::FieldStart,
                    _ => QuoteState::Unquoted,
                };
            }
            return;
        }
        for &b in chunk {
            use QuoteState::*;
            self.state = match (self.state, b) {
                (FieldStart, b'"') => {
                    self.opened = (self.newlines + 1, self.offset);
                    Quoted
                }
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (QuoteInQuoted, b'"') => Quoted,
                (_, b',' | b'\n' | b'\r') => FieldStart,
                _ => Unquoted,
            };
            if b == b'\n' {
                self.newlines += 1;
            }
            self.offset += 1;
        }
    }
}

/// Where the last record of `bytes` that ends with a line end ends, when `bytes` starts at
/// a record boundary: a reader started there reads what follows exactly as one that read
/// everything before, positions included. That is just after the `\n` or `\r` that ends a
/// record: blank lines after it (and the `\n` of `\r\n`) belong to the next record, which
/// the csv crate reads with them. None when no record ends outside quotes.
pub(super) fn last_split(bytes: &[u8]) -> Option<usize> {
    let is_end = |b: u8| b == b'\n' || b == b'\r';
    if memchr::memchr(b'"', bytes).is_none() {
        // The first line end of the last run of them, after a byte of a record.
        let mut end = memchr::memrchr2(b'\n', b'\r', bytes)?;
        while end > 0 && is_end(bytes[end - 1]) {
            end -= 1;
        }
        return (end > 0).then_some(end + 1);
    }
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        RecordStart,
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    use State::*;
    let mut state = RecordStart;
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (RecordStart, b'\n' | b'\r') => RecordStart,
            (RecordStart | FieldStart, b'"') => Quoted,
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (QuoteInQuoted, b'"') => Quoted,
            (_, b'\n' | b'\r') => {
                last = Some(i + 1);
                RecordStart
            }
            (_, b',') => FieldStart,
            _ => Unquoted,
        };
    }
    last
}
