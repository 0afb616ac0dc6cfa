//! Every write the engine uses, against the simulator over HTTP, read back through the
//! client's own reads; plus the API's refusals as typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::genesys::dto::{Contact, CreateUser, UpdateUser};
use onboard::genesys::{Client, ClientConfig, ErrorKind, LicenseChange, Secret};
use onboard::model::{ExternalId, Grant, Proficiency, UserState};
use onboard::sim::{self, FaultSpec, Seed, SimConfig};
use url::Url;

async fn setup() -> (sim::SimHandle, Client) {
    let h = sim::start(SimConfig {
        seed: Seed::demo(),
        rate_limit: None,
        faults: FaultSpec::default(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let url = Url::parse(&h.url()).unwrap();
    let c = Client::new(ClientConfig::new(
        url.clone(),
        url,
        "demo",
        Secret::new("demo-secret"),
    ))
    .unwrap();
    (h, c)
}

#[tokio::test]
async fn provisioning_writes_round_trip() {
    let (_h, c) = setup().await;
    let divisions = c.list_divisions().await.unwrap();
    let home = divisions.iter().find(|d| d.home).unwrap().clone();
    let other = divisions.iter().find(|d| !d.home).unwrap().clone();
    let roles = c.list_roles().await.unwrap();
    let skills = c.list_skills().await.unwrap();
    let langs = c.list_languages().await.unwrap();
    let queues = c.list_queues().await.unwrap();

    // Create, with a work phone.
    let u = c
        .create_user(&CreateUser {
            name: "Round Trip".into(),
            email: "round.trip@example.com".into(),
            division_id: home.id.clone(),
            department: Some("Support".into()),
            title: Some("Agent".into()),
            state: Some("active".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(u.state(), UserState::Active);

    // Duplicate email → general.conflict.
    let dup = c
        .create_user(&CreateUser {
            name: "Again".into(),
            email: "round.trip@example.com".into(),
            division_id: home.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(dup.kind, ErrorKind::Conflict, "{dup}");
    assert_eq!(dup.code.as_deref(), Some("general.conflict"));

    // PATCH with the version; a stale version is a version conflict.
    let v = u.version.unwrap();
    let patched = c
        .patch_user(
            &u.id,
            &UpdateUser {
                version: v,
                title: Some("Senior Agent".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(patched.title.as_deref(), Some("Senior Agent"));
    let stale = c
        .patch_user(
            &u.id,
            &UpdateUser {
                version: v,
                title: Some("x".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(stale.kind, ErrorKind::VersionConflict, "{stale}");

    // Division move, grants, skills, languages, queues, external id, licence.
    c.move_users_to_division(&other.id, std::slice::from_ref(&u.id))
        .await
        .unwrap();
    let grants = vec![
        Grant {
            role_id: roles[0].id.clone().into(),
            division_id: other.id.clone().into(),
        },
        Grant {
            role_id: roles[1].id.clone().into(),
            division_id: home.id.clone().into(),
        },
    ];
    c.subject_bulk_add(&u.id, &grants).await.unwrap();
    c.grant_role_bulk(
        &roles[2].id,
        std::slice::from_ref(&u.id),
        std::slice::from_ref(&other.id),
    )
    .await
    .unwrap();
    let mut got = c.subject_grants(&u.id).await.unwrap();
    assert_eq!(got.len(), 3);
    c.subject_bulk_replace(&u.id, &grants[..1]).await.unwrap();
    got = c.subject_grants(&u.id).await.unwrap();
    assert_eq!(got, grants[..1].to_vec());
    c.subject_bulk_remove(&u.id, &grants[..1]).await.unwrap();
    assert!(c.subject_grants(&u.id).await.unwrap().is_empty());

    let want: Vec<Proficiency> = skills
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, s)| Proficiency {
            id: s.id.clone().into(),
            proficiency: 1.0 + i as f64,
        })
        .collect();
    c.patch_user_skills(&u.id, &want).await.unwrap();
    let mut have = c.user_skills(&u.id).await.unwrap();
    have.sort_by(|a, b| a.id.cmp(&b.id));
    let mut want_sorted = want.clone();
    want_sorted.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(have, want_sorted);
    c.put_user_skills(&u.id, &want[..1]).await.unwrap();
    assert_eq!(c.user_skills(&u.id).await.unwrap(), want[..1].to_vec());

    let l = vec![
        Proficiency {
            id: langs[0].id.clone().into(),
            proficiency: 5.0,
        },
        Proficiency {
            id: langs[1].id.clone().into(),
            proficiency: 3.0,
        },
    ];
    c.patch_user_languages(&u.id, &l).await.unwrap();
    assert_eq!(c.user_languages(&u.id).await.unwrap().len(), 2);
    c.replace_user_languages(&u.id, &l, &l[..1]).await.unwrap();
    assert_eq!(c.user_languages(&u.id).await.unwrap(), l[..1].to_vec());

    let q = queues
        .iter()
        .find(|q| q.division_id == other.id)
        .unwrap_or(&queues[0]);
    c.add_queue_members(&q.id, std::slice::from_ref(&u.id))
        .await
        .unwrap();
    assert!(c.queue_members(&q.id).await.unwrap().contains(&u.id));
    assert_eq!(c.user_queues(&u.id).await.unwrap(), vec![q.id.clone()]);
    c.remove_queue_members(&q.id, std::slice::from_ref(&u.id))
        .await
        .unwrap();
    assert!(c.user_queues(&u.id).await.unwrap().is_empty());

    let ext = ExternalId {
        authority: "workday".into(),
        key: "RT-1".into(),
    };
    c.add_external_id(&u.id, &ext).await.unwrap();
    assert_eq!(c.list_external_ids(&u.id).await.unwrap(), vec![ext.clone()]);
    assert_eq!(
        c.user_by_external_id("workday", "RT-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        u.id
    );
    c.delete_external_id(&u.id, &ext).await.unwrap();
    assert!(
        c.user_by_external_id("workday", "RT-1")
            .await
            .unwrap()
            .is_none()
    );

    let defs = c.license_definitions().await.unwrap();
    let lic = defs.iter().find(|d| d.id == "wem").unwrap_or(&defs[0]);
    let res = c
        .assign_licenses(&[LicenseChange {
            license_id: lic.id.clone(),
            add: vec![u.id.clone()],
            remove: vec![],
        }])
        .await
        .unwrap();
    assert_eq!(res.len(), 1, "{res:?}");
    let held = c
        .licenses_for_users(std::slice::from_ref(&u.id))
        .await
        .unwrap();
    assert!(held[&u.id].contains(&lic.id), "{held:?}");

    // Phone via addresses.
    let cur = c.get_user(&u.id, &[], false).await.unwrap();
    let with_phone = c
        .patch_user(
            &u.id,
            &UpdateUser {
                version: cur.version.unwrap(),
                addresses: Some(
                    Contact::work_phone(Some("+13175550999"), None)
                        .into_iter()
                        .collect(),
                ),
                ..Default::default()
            },
        )
        .await;
    // The number may or may not be in a demo pool; either way the answer is typed.
    match with_phone {
        Ok(p) => assert_eq!(p.phone_and_extension().0.as_deref(), Some("+13175550999")),
        Err(e) => assert!(
            matches!(e.kind, ErrorKind::BadRequest | ErrorKind::Conflict),
            "{e}"
        ),
    }

    // The provisioning view shows it all.
    let ex = c
        .fetch_existing_users(std::slice::from_ref(&u.id))
        .await
        .unwrap();
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].division_id, other.id.into());
    assert_eq!(ex[0].skills, want[..1].to_vec());
    assert!(ex[0].licenses.iter().any(|l| **l == *lic.id));

    // Deactivate (state alone), soft delete, then find it among deleted users and restore.
    let cur = c.get_user(&u.id, &[], false).await.unwrap();
    let inactive = c
        .patch_user(
            &u.id,
            &UpdateUser {
                version: cur.version.unwrap(),
                state: Some("inactive".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(inactive.state(), UserState::Inactive);
    c.delete_user(&u.id).await.unwrap();
    let missing = c.get_user(&u.id, &[], false).await.unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    let deleted = c
        .search_users_exact(
            "email",
            &["round.trip@example.com".to_string()],
            &[UserState::Deleted],
        )
        .await
        .unwrap();
    assert_eq!(deleted.len(), 1);
    let d = c.get_user(&u.id, &[], true).await.unwrap();
    let restored = c
        .patch_user(
            &u.id,
            &UpdateUser {
                version: d.version.unwrap(),
                state: Some("active".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(restored.state(), UserState::Active);
    println!("writes: {} requests", c.stats().requests);
}

#[tokio::test]
async fn unknown_ids_are_typed_not_found() {
    let (_h, c) = setup().await;
    let e = c.get_user("no-such-user", &[], false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.request, "GET /api/v2/users/{userId}");
    assert!(e.context_id.is_some());
    let users = c
        .get_users_by_ids(&["no-such-user".to_string()], &[])
        .await
        .unwrap();
    assert!(users.is_empty());
    assert!(
        c.fetch_existing_users(&["no-such-user".to_string()])
            .await
            .unwrap()
            .is_empty()
    );
}
