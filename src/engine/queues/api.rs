//! [`QueueOps`] over the Genesys client.

use super::ops::QueueOps;
use crate::engine::{Api, OpError};
use crate::genesys::queues::{QueueObject, QueueSettings};

impl QueueOps for Api {
    async fn create_queue(
        &self,
        settings: &QueueSettings,
        source: Option<&str>,
    ) -> Result<String, OpError> {
        let q = self.client().create_queue(settings, source).await?;
        Ok(q.id().to_string())
    }
    async fn queues_named(&self, name: &str) -> Result<Vec<String>, OpError> {
        let found = self.client().queues_named(name).await?;
        Ok(found.iter().map(|q| q.id().to_string()).collect())
    }
    async fn get_queue(&self, id: &str) -> Result<QueueObject, OpError> {
        Ok(self.client().get_queue(id).await?)
    }
    async fn put_queue(&self, queue: &QueueObject) -> Result<(), OpError> {
        self.client().put_queue(queue).await?;
        Ok(())
    }
    async fn move_queues(&self, division_id: &str, ids: &[String]) -> Result<(), OpError> {
        Ok(self
            .client()
            .move_queues_to_division(division_id, ids)
            .await?)
    }
    async fn queue_wrapup_codes(&self, id: &str) -> Result<Vec<String>, OpError> {
        let codes = self.client().queue_wrapup_codes(id).await?;
        Ok(codes.into_iter().map(|c| c.id).collect())
    }
    async fn add_wrapup_codes(&self, id: &str, codes: &[String]) -> Result<(), OpError> {
        Ok(self.client().add_queue_wrapup_codes(id, codes).await?)
    }
    async fn remove_wrapup_code(&self, id: &str, code: &str) -> Result<(), OpError> {
        Ok(self.client().remove_queue_wrapup_code(id, code).await?)
    }
    async fn add_members(&self, id: &str, users: &[String]) -> Result<(), OpError> {
        Ok(self.client().add_queue_members(id, users).await?)
    }
    async fn get_queues(&self, ids: &[String]) -> Result<Vec<QueueObject>, OpError> {
        Ok(self.client().get_queues_by_ids(ids).await?)
    }
    async fn create_wrapup_code(&self, name: &str) -> Result<String, OpError> {
        Ok(self.client().create_wrapup_code(name, None).await?.id)
    }
    async fn wrapup_codes_named(&self, name: &str) -> Result<Vec<String>, OpError> {
        let all = self.client().list_wrapup_codes().await?;
        Ok(all
            .into_iter()
            .filter(|c| c.name.trim().eq_ignore_ascii_case(name.trim()))
            .map(|c| c.id)
            .collect())
    }
}
