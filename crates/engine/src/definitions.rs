//! A cache of process versions: versions never change once written, so the engine reads
//! each one from the store at most once.

use proofline_core::ProcessId;
use proofline_core::process::ProcessDefinition;
use proofline_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

const MAX_CACHED: usize = 5_000;

pub struct Definitions {
    store: Arc<dyn Store>,
    cache: RwLock<HashMap<(ProcessId, u32), Arc<ProcessDefinition>>>,
}

impl Definitions {
    pub fn new(store: Arc<dyn Store>) -> Definitions {
        Definitions { store, cache: RwLock::new(HashMap::new()) }
    }

    /// The definitions of all `wanted` versions; missing ones are fetched in one query.
    pub async fn get_many(
        &self,
        wanted: &[(ProcessId, u32)],
    ) -> Result<HashMap<(ProcessId, u32), Arc<ProcessDefinition>>, StoreError> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            for key in wanted {
                match cache.get(key) {
                    Some(def) => {
                        found.insert(*key, def.clone());
                    }
                    None if !missing.contains(key) => missing.push(*key),
                    None => {}
                }
            }
        }
        if !missing.is_empty() {
            let fetched = self.store.get_definitions(&missing).await?;
            let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
            // Bounded: with very many processes, re-reading beats holding every version.
            if cache.len() + fetched.len() > MAX_CACHED {
                cache.clear();
            }
            for (key, def) in fetched {
                let def = Arc::new(def);
                cache.insert(key, def.clone());
                found.insert(key, def);
            }
        }
        Ok(found)
    }

    pub async fn get(&self, process: ProcessId, version: u32) -> Result<Arc<ProcessDefinition>, StoreError> {
        self.get_many(&[(process, version)]).await?.remove(&(process, version)).ok_or(StoreError::NotFound)
    }
}
