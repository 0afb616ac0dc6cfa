//! A hire list with its personas file (`--personas`), as `check` and `apply` both use it:
//! the list the lookups and the snapshot's scope come from is the provisioned one (personas
//! resolved), the check reports persona findings once per persona, and a journal is bound to
//! both files' contents.

use crate::model::HireList;
use crate::model::OrgSnapshot;
use crate::preflight::personas::{PersonaSet, check_with_personas, compile, read_personas};
use crate::preflight::{CheckOptions, CheckResult, check_all};
use std::borrow::Cow;
use std::path::Path;

/// A personas file read for a run, with its bytes (they bind the journal).
pub struct PersonasFile {
    pub set: PersonaSet,
    pub bytes: Vec<u8>,
}

/// Read `--personas PATH`, if given.
pub fn read_personas_arg(path: Option<&Path>) -> Result<Option<PersonasFile>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let (name, bytes) = crate::ingest::read_file(path).map_err(|e| e.to_string())?;
    let set = read_personas(&name, &bytes).map_err(|e| e.to_string())?;
    Ok(Some(PersonasFile { set, bytes }))
}

/// The list as it will be provisioned: with personas, each row's persona fields resolved.
/// Who to look up and which queues' members to read come from it.
pub fn provisioned<'a>(list: &'a HireList, personas: Option<&PersonasFile>) -> Cow<'a, HireList> {
    match personas {
        Some(p) => Cow::Owned(compile(list, &p.set).list),
        None => Cow::Borrowed(list),
    }
}

/// Check the list, with its personas when given. The plan is of the provisioned list.
pub fn check(
    list: &HireList,
    personas: Option<&PersonasFile>,
    snapshot: &OrgSnapshot,
    options: &CheckOptions,
) -> CheckResult {
    match personas {
        Some(p) => check_with_personas(list, &p.set, snapshot, options).result,
        None => check_all(list, snapshot, options),
    }
}

/// The bytes a journal is bound to: the list's, and the personas file's after them when
/// there is one (an edited persona changes what the list provisions). Without personas,
/// exactly the list's, so journals of earlier runs still match.
pub fn bound_bytes<'a>(list_bytes: &'a [u8], personas: Option<&PersonasFile>) -> Cow<'a, [u8]> {
    match personas {
        Some(p) => {
            let mut b = list_bytes.to_vec();
            b.extend_from_slice(b"\n\x00personas\x00\n");
            b.extend_from_slice(&p.bytes);
            Cow::Owned(b)
        }
        None => Cow::Borrowed(list_bytes),
    }
}
