//! The seam between queue jobs and the org: the calls the queue phase makes. The real
//! implementation is over [`crate::engine::Api`] (`api.rs`); scenario tests script it.

use crate::engine::OpError;
use crate::genesys::queues::{QueueObject, QueueSettings};
use std::future::Future;

pub trait QueueOps: Clone + Send + Sync + 'static {
    /// `POST /routing/queues`; the new queue's id.
    fn create_queue(
        &self,
        settings: &QueueSettings,
        source_queue_id: Option<&str>,
    ) -> impl Future<Output = Result<String, OpError>> + Send;
    /// Ids of the queues whose name equals `name` (case-insensitive).
    fn queues_named(&self, name: &str)
    -> impl Future<Output = Result<Vec<String>, OpError>> + Send;
    fn get_queue(&self, id: &str) -> impl Future<Output = Result<QueueObject, OpError>> + Send;
    /// `PUT` of the whole object.
    fn put_queue(&self, queue: &QueueObject) -> impl Future<Output = Result<(), OpError>> + Send;
    fn move_queues(
        &self,
        division_id: &str,
        ids: &[String],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    /// Ids of the queue's wrap-up codes.
    fn queue_wrapup_codes(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Vec<String>, OpError>> + Send;
    fn add_wrapup_codes(
        &self,
        id: &str,
        codes: &[String],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn remove_wrapup_code(
        &self,
        id: &str,
        code: &str,
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    /// Adds at most 100 users to the queue.
    fn add_members(
        &self,
        id: &str,
        users: &[String],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    /// `GET /routing/queues?id=…`: the queues found (absent ones are missing).
    fn get_queues(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<QueueObject>, OpError>> + Send;
    /// `POST /routing/wrapupcodes`; the new code's id.
    fn create_wrapup_code(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<String, OpError>> + Send;
    /// Ids of the wrap-up codes named `name` (case-insensitive).
    fn wrapup_codes_named(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<String>, OpError>> + Send;
}
