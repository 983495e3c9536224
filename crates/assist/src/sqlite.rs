//! A minimal read-only SQLite table reader, used only by `train` to read the statute database.
//!
//! Why hand-written: the workspace links SQLite through sqlx elsewhere and a second `sqlite3`
//! link (rusqlite) conflicts with it; training only needs a full scan of one table, which is a
//! walk of the table b-tree as documented in the SQLite file-format specification.

use crate::AssistError;

/// One column value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

pub struct Database {
    bytes: Vec<u8>,
    page_size: usize,
}

fn corrupt(what: &str) -> AssistError {
    AssistError::Model(format!("sqlite file corrupt: {what}"))
}

fn varint(b: &[u8], mut pos: usize) -> Result<(u64, usize), AssistError> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(pos).ok_or_else(|| corrupt("varint past end"))?;
        pos += 1;
        if i == 8 {
            v = (v << 8) | byte as u64;
            return Ok((v, pos));
        }
        v = (v << 7) | (byte & 0x7f) as u64;
        if byte & 0x80 == 0 {
            return Ok((v, pos));
        }
    }
    Ok((v, pos))
}

impl Database {
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, AssistError> {
        if bytes.len() < 100 || &bytes[..16] != b"SQLite format 3\0" {
            return Err(corrupt("bad header"));
        }
        let ps = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
        let page_size = if ps == 1 { 65536 } else { ps };
        Ok(Database { bytes, page_size })
    }

    fn page(&self, n: u32) -> Result<&[u8], AssistError> {
        let start = (n as usize - 1) * self.page_size;
        self.bytes.get(start..start + self.page_size).ok_or_else(|| corrupt("page out of range"))
    }

    /// All rows of the named table, as (rowid, columns).
    pub fn table(&self, name: &str) -> Result<Vec<(i64, Vec<Value>)>, AssistError> {
        let mut master = Vec::new();
        self.scan(1, &mut master)?;
        for (_, row) in master {
            if row.first().and_then(Value::as_text) == Some("table")
                && row.get(1).and_then(Value::as_text) == Some(name)
            {
                let root = row.get(3).and_then(Value::as_int).ok_or_else(|| corrupt("rootpage"))?;
                let mut rows = Vec::new();
                self.scan(root as u32, &mut rows)?;
                return Ok(rows);
            }
        }
        Err(AssistError::Model(format!("sqlite table not found: {name}")))
    }

    fn scan(&self, page_no: u32, out: &mut Vec<(i64, Vec<Value>)>) -> Result<(), AssistError> {
        let page = self.page(page_no)?;
        let hdr = if page_no == 1 { 100 } else { 0 };
        let kind = page[hdr];
        let ncells = u16::from_be_bytes([page[hdr + 3], page[hdr + 4]]) as usize;
        let header_len = if kind == 5 { 12 } else { 8 };
        for i in 0..ncells {
            let p = hdr + header_len + 2 * i;
            let off = u16::from_be_bytes([page[p], page[p + 1]]) as usize;
            match kind {
                5 => {
                    let child = u32::from_be_bytes(page[off..off + 4].try_into().unwrap());
                    self.scan(child, out)?;
                }
                13 => out.push(self.leaf_cell(page, off)?),
                _ => return Err(corrupt("unexpected page type in table tree")),
            }
        }
        if kind == 5 {
            let right = u32::from_be_bytes(page[hdr + 8..hdr + 12].try_into().unwrap());
            self.scan(right, out)?;
        }
        Ok(())
    }

    fn leaf_cell(&self, page: &[u8], off: usize) -> Result<(i64, Vec<Value>), AssistError> {
        let (size, p) = varint(page, off)?;
        let (rowid, p) = varint(page, p)?;
        let size = size as usize;
        let u = self.page_size;
        let x = u - 35;
        let payload: Vec<u8> = if size <= x {
            page.get(p..p + size).ok_or_else(|| corrupt("cell"))?.to_vec()
        } else {
            let m = ((u - 12) * 32 / 255) - 23;
            let k = m + ((size - m) % (u - 4));
            let local = if k <= x { k } else { m };
            let mut data = page[p..p + local].to_vec();
            let mut next = u32::from_be_bytes(page[p + local..p + local + 4].try_into().unwrap());
            while data.len() < size && next != 0 {
                let ov = self.page(next)?;
                next = u32::from_be_bytes(ov[0..4].try_into().unwrap());
                let take = (size - data.len()).min(u - 4);
                data.extend_from_slice(&ov[4..4 + take]);
            }
            data
        };
        Ok((rowid as i64, record(&payload)?))
    }
}

fn record(b: &[u8]) -> Result<Vec<Value>, AssistError> {
    let (hlen, mut p) = varint(b, 0)?;
    let mut types = Vec::new();
    while p < hlen as usize {
        let (t, np) = varint(b, p)?;
        types.push(t);
        p = np;
    }
    let mut d = hlen as usize;
    let mut vals = Vec::with_capacity(types.len());
    for t in types {
        let int = |n: usize, d: usize| -> Result<i64, AssistError> {
            let s = b.get(d..d + n).ok_or_else(|| corrupt("record"))?;
            let mut v: i64 = if s[0] & 0x80 != 0 { -1 } else { 0 };
            for &x in s {
                v = (v << 8) | x as i64;
            }
            Ok(v)
        };
        let (v, n) = match t {
            0 => (Value::Null, 0),
            1 => (Value::Int(int(1, d)?), 1),
            2 => (Value::Int(int(2, d)?), 2),
            3 => (Value::Int(int(3, d)?), 3),
            4 => (Value::Int(int(4, d)?), 4),
            5 => (Value::Int(int(6, d)?), 6),
            6 => (Value::Int(int(8, d)?), 8),
            7 => (Value::Real(f64::from_bits(int(8, d)? as u64)), 8),
            8 => (Value::Int(0), 0),
            9 => (Value::Int(1), 0),
            t if t >= 12 && t % 2 == 0 => {
                let n = ((t - 12) / 2) as usize;
                (Value::Blob(b.get(d..d + n).ok_or_else(|| corrupt("blob"))?.to_vec()), n)
            }
            t if t >= 13 => {
                let n = ((t - 13) / 2) as usize;
                let s = b.get(d..d + n).ok_or_else(|| corrupt("text"))?;
                (Value::Text(String::from_utf8_lossy(s).into_owned()), n)
            }
            _ => return Err(corrupt("serial type")),
        };
        vals.push(v);
        d += n;
    }
    Ok(vals)
}
