//! Cutting a CSV stream into blocks of whole records, so that blocks can be parsed on
//! several threads: each block starts where a record starts, with the line and byte it
//! starts at in the file. Quoted fields holding newlines are never cut.

use std::io::{self, Read};

use super::quoting::last_split;

/// Records from `byte` (1-based `line`) of the file on.
pub(super) struct Block {
    pub(super) bytes: Vec<u8>,
    pub(super) line: u64,
    pub(super) byte: u64,
    /// The last block of the file.
    pub(super) last: bool,
}

/// What comes next from a [`Splitter`].
pub(super) enum Next {
    Block(Block),
    /// No record boundary within the size limit (a quote left open, a file without `\n`),
    /// or the file could not be read: the rest is for one reader, see
    /// [`Splitter::into_rest`].
    Serial,
}

/// Reads blocks of about `target` bytes that end at record boundaries.
pub(super) struct Splitter<R> {
    reader: R,
    /// Bytes read and not yet handed out; they start at a record boundary.
    buf: Vec<u8>,
    line: u64,
    byte: u64,
    eof: bool,
    error: Option<io::Error>,
    target: usize,
    /// A record longer than this ends the splitting (the rest is read serially).
    limit: usize,
}

/// The unread rest of a file, from a record boundary: `bytes` then `reader` (then the read
/// error met, if any).
pub(super) struct Rest<R> {
    pub(super) bytes: Vec<u8>,
    pub(super) reader: R,
    pub(super) error: Option<io::Error>,
    pub(super) line: u64,
    pub(super) byte: u64,
}

impl<R: Read> Splitter<R> {
    pub(super) fn new(reader: R, target: usize, limit: usize) -> Self {
        Splitter {
            reader,
            buf: Vec::new(),
            line: 1,
            byte: 0,
            eof: false,
            error: None,
            target: target.max(1),
            limit: limit.max(target),
        }
    }

    /// The next block; none at the end of the file.
    pub(super) fn next_block(&mut self) -> Option<Next> {
        let mut want = self.target;
        loop {
            self.fill(want);
            if self.error.is_some() {
                return Some(Next::Serial);
            }
            if self.eof {
                if self.buf.is_empty() {
                    return None;
                }
                return Some(Next::Block(self.take(self.buf.len(), true)));
            }
            if let Some(end) = last_split(&self.buf) {
                return Some(Next::Block(self.take(end, false)));
            }
            if self.buf.len() >= self.limit {
                return Some(Next::Serial);
            }
            want = self.buf.len().saturating_mul(2);
        }
    }

    /// Reads until `buf` holds `want` bytes, the file ends or reading fails.
    fn fill(&mut self, want: usize) {
        if self.buf.capacity() < want {
            self.buf.reserve_exact(want - self.buf.len());
        }
        while self.buf.len() < want && !self.eof {
            let start = self.buf.len();
            self.buf.resize(want, 0);
            match self.reader.read(&mut self.buf[start..]) {
                Ok(0) => {
                    self.buf.truncate(start);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.buf.truncate(start),
                Err(e) => {
                    self.buf.truncate(start);
                    self.error = Some(e);
                    return;
                }
            }
        }
    }

    /// Hands out the first `end` bytes of `buf` as a block.
    fn take(&mut self, end: usize, last: bool) -> Block {
        let rest = Vec::with_capacity(self.target.max(self.buf.len() - end));
        let mut bytes = std::mem::replace(&mut self.buf, rest);
        self.buf.extend_from_slice(&bytes[end..]);
        bytes.truncate(end);
        let block = Block {
            line: self.line,
            byte: self.byte,
            last,
            bytes,
        };
        self.line += memchr::memchr_iter(b'\n', &block.bytes).count() as u64;
        self.byte += end as u64;
        block
    }

    /// What is left to read, from the next record on.
    pub(super) fn into_rest(self) -> Rest<R> {
        Rest {
            bytes: self.buf,
            reader: self.reader,
            error: self.error,
            line: self.line,
            byte: self.byte,
        }
    }
}

impl<R: Read> Rest<R> {
    /// The rest as one reader: the bytes, the file, and the read error at the end.
    pub(super) fn reader(self) -> impl Read {
        let error = self.error.map(|e| FailOnce(Some(e)));
        io::Cursor::new(self.bytes)
            .chain(self.reader)
            .chain(error.unwrap_or(FailOnce(None)))
    }
}

/// A reader that fails once with the error it holds (or ends at once without one).
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, target: usize) -> (Vec<String>, bool) {
        let mut s = Splitter::new(text.as_bytes(), target, 64);
        let mut out = Vec::new();
        let mut line = 1;
        let mut byte = 0;
        while let Some(next) = s.next_block() {
            match next {
                Next::Block(b) => {
                    assert_eq!((b.line, b.byte), (line, byte));
                    line += b.bytes.iter().filter(|&&c| c == b'\n').count() as u64;
                    byte += b.bytes.len() as u64;
                    out.push(String::from_utf8(b.bytes).unwrap());
                }
                Next::Serial => return (out, true),
            }
        }
        (out, false)
    }

    #[test]
    fn blocks_end_after_newlines_outside_quotes() {
        let (b, serial) = blocks("a,b\nc,\"d\ne\"\nf,g\n", 6);
        assert!(!serial);
        assert_eq!(b.concat(), "a,b\nc,\"d\ne\"\nf,g\n");
        assert!(
            b.iter().all(|block| block.matches('"').count() % 2 == 0),
            "{b:?}"
        );
        assert_eq!(b[0], "a,b\n");
    }

    #[test]
    fn blocks_start_at_the_newline_of_crlf_and_before_blank_lines() {
        let (b, _) = blocks("a,b\r\nc,d\r\ne,f\r\n", 6);
        assert_eq!(b[0], "a,b\r");
        assert!(b[1].starts_with('\n'));
        assert_eq!(b.concat(), "a,b\r\nc,d\r\ne,f\r\n");
        let (b, _) = blocks("a\n\n\nb\n\n\"c\"\n\n", 4);
        assert_eq!(b, ["a\n", "\n\nb\n", "\n\"c\"\n\n"]);
    }

    #[test]
    fn an_open_quote_past_the_limit_goes_serial() {
        let text = format!("a,b\nc,\"{}", "x\n".repeat(100));
        let (b, serial) = blocks(&text, 8);
        assert!(serial);
        assert_eq!(b, ["a,b\n"]);
    }
}
