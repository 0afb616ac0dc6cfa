//! The cross-row index: for each key (email, external id, phone, extension, manager email)
//! the rows holding it, and per licence the rows needing a seat, kept up to date row by row
//! so that [`super::recheck_row`] re-checks only the rows an edit can affect.

use super::Summary;
use super::org::OrgIndex;
use super::rules::{KeyHash, RowKeys};
use std::collections::{BTreeSet, HashMap};

/// Hash-map keys are already hashes: pass them through.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The rows (sorted 0-based indexes) sharing a key; almost always exactly one.
#[derive(Debug, Clone)]
pub(super) enum Rows {
    One(u32),
    Many(Vec<u32>),
}

impl Rows {
    pub(super) fn as_slice(&self) -> &[u32] {
        match self {
            Rows::One(x) => std::slice::from_ref(x),
            Rows::Many(v) => v,
        }
    }
}

pub(super) type KeyMap = HashMap<KeyHash, Rows, std::hash::BuildHasherDefault<IdHasher>>;

fn map_insert(map: &mut KeyMap, key: Option<KeyHash>, i: usize) {
    let Some(k) = key else { return };
    let i = i as u32;
    match map.entry(k) {
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(Rows::One(i));
        }
        std::collections::hash_map::Entry::Occupied(e) => {
            let r = e.into_mut();
            match r {
                Rows::One(x) if *x == i => {}
                Rows::One(x) => {
                    let mut v = vec![*x, i];
                    v.sort_unstable();
                    *r = Rows::Many(v);
                }
                Rows::Many(v) => {
                    if let Err(p) = v.binary_search(&i) {
                        v.insert(p, i);
                    }
                }
            }
        }
    }
}

fn map_remove(map: &mut KeyMap, key: Option<KeyHash>, i: usize) {
    let Some(k) = key else { return };
    let i = i as u32;
    let drop_key = match map.get_mut(&k) {
        None => false,
        Some(Rows::One(x)) => *x == i,
        Some(r @ Rows::Many(_)) => {
            if let Rows::Many(v) = r {
                if let Ok(p) = v.binary_search(&i) {
                    v.remove(p);
                }
                match v.len() {
                    0 => true,
                    1 => {
                        *r = Rows::One(v[0]);
                        false
                    }
                    _ => false,
                }
            } else {
                false
            }
        }
    };
    if drop_key {
        map.remove(&k);
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct State {
    pub(super) org: std::sync::Arc<OrgIndex>,
    pub(super) keys: Vec<RowKeys>,
    pub(super) by_email: KeyMap,
    pub(super) by_ext: KeyMap,
    pub(super) by_phone: KeyMap,
    pub(super) by_extension: KeyMap,
    pub(super) by_manager: KeyMap,
    /// Per licence (index into `org.licenses`), the sorted rows needing a new seat.
    pub(super) by_license: Vec<Vec<u32>>,
    pub(super) phone_delta: i64,
    pub(super) summary: Summary,
    /// The column map checked (a change means a full re-check).
    pub(super) columns: Vec<Option<crate::model::Field>>,
}

impl State {
    pub(super) fn add_keys(&mut self, i: usize, k: &RowKeys) {
        if !k.counted {
            return;
        }
        map_insert(&mut self.by_email, k.email, i);
        map_insert(&mut self.by_ext, k.ext_id, i);
        map_insert(&mut self.by_phone, k.phone, i);
        map_insert(&mut self.by_extension, k.extension, i);
        map_insert(&mut self.by_manager, k.manager, i);
        for &l in &k.licenses {
            if let Some(v) = self.by_license.get_mut(l as usize)
                && let Err(p) = v.binary_search(&(i as u32))
            {
                v.insert(p, i as u32);
            }
        }
        self.phone_delta += i64::from(k.phone_delta);
    }

    pub(super) fn remove_keys(&mut self, i: usize, k: &RowKeys) {
        if !k.counted {
            return;
        }
        map_remove(&mut self.by_email, k.email, i);
        map_remove(&mut self.by_ext, k.ext_id, i);
        map_remove(&mut self.by_phone, k.phone, i);
        map_remove(&mut self.by_extension, k.extension, i);
        map_remove(&mut self.by_manager, k.manager, i);
        for &l in &k.licenses {
            if let Some(v) = self.by_license.get_mut(l as usize)
                && let Ok(p) = v.binary_search(&(i as u32))
            {
                v.remove(p);
            }
        }
        self.phone_delta -= i64::from(k.phone_delta);
    }

    /// Rows whose findings can change when row `i`'s keys change from/to `k`.
    pub(super) fn related(&self, i: usize, k: &RowKeys, out: &mut BTreeSet<usize>) {
        out.insert(i);
        for (map, key) in [
            (&self.by_email, k.email),
            (&self.by_ext, k.ext_id),
            (&self.by_phone, k.phone),
            (&self.by_extension, k.extension),
        ] {
            if let Some(v) = key.and_then(|k| map.get(&k)) {
                out.extend(v.as_slice().iter().map(|&r| r as usize));
            }
        }
        // The rows just around each licence's seat boundary.
        for &l in &k.licenses {
            if let (Some(v), Some(free)) = (
                self.by_license.get(l as usize),
                self.org.licenses.get(l as usize).and_then(|x| x.free),
            ) {
                let f = free as usize;
                for p in [f.wrapping_sub(1), f] {
                    if let Some(&r) = v.get(p) {
                        out.insert(r as usize);
                    }
                }
            }
        }
    }
}
