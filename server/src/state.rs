//! What every handler can reach. Its own module so that the router (which
//! imports the routes) and the routes (which take the state) do not import
//! each other.

use std::sync::Arc;

use crate::static_files::StaticSite;
use crate::storage::Store;

/// The state handlers extract with `State<AppState>`; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub site: Option<Arc<StaticSite>>,
}
