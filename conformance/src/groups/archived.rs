//! The groups part on archived members (docs/groups.md): they keep their
//! memberships, are neither listed nor counted (nor in what a deletion
//! costs), get them back when restored, and lose them when the group goes.

use serde_json::json;
use users_api::{DeleteUser, GroupId, UserId};

use super::page;
use crate::script::{strings, Run};
use crate::{Call, Target};

impl<T: Target> Run<'_, T> {
    /// A group's active member count.
    async fn member_count(&mut self, id: GroupId) -> Option<u64> {
        let group = self.call(Call::GetGroup(id)).await;
        group.body["member_count"].as_u64()
    }
}

/// Plays it with `builders` (roles: Production), whose only member is
/// `ant` (active, Development directly, no agents); deletes `builders` and
/// leaves `ant` active with no groups.
pub(super) async fn script<T: Target>(r: &mut Run<'_, T>, builders: GroupId, ant: UserId) {
    let ant_lost = r.call(Call::GroupDeletion(builders)).await;
    r.expect(
        "archived members: Samuel would lose Production",
        ant_lost.body["lost_roles"].clone(),
        json!([{"role": "Production", "members": 1}]),
    );
    let archive_ant = Call::DeleteUser {
        id: ant,
        body: DeleteUser::default(),
    };
    let archived_ant = r.call(archive_ant.clone()).await;
    r.ok("archived members: archive Samuel", &archived_ant, 200);
    let count = r.member_count(builders).await;
    r.expect("archived members: not counted", count, Some(0));
    let listed = r.call(Call::GroupMembers(builders, page("", 1, 25))).await;
    r.expect(
        "archived members: not listed",
        listed.entries(),
        Vec::<String>::new(),
    );
    let back = r.call(Call::RestoreUser(ant)).await;
    r.expect(
        "archived members: restoring gives the membership back",
        (back.status, back.names_in("groups")),
        (200, strings(&["Builders"])),
    );
    let count = r.member_count(builders).await;
    r.expect("archived members: counted again", count, Some(1));
    let archived_again = r.call(archive_ant).await;
    r.ok(
        "archived members: archive Samuel again",
        &archived_again,
        200,
    );
    let uncounted = r.call(Call::GroupDeletion(builders)).await;
    r.expect(
        "archived members: an archived member loses nothing that counts",
        uncounted.body["lost_roles"].clone(),
        json!([]),
    );
    let dropped = r.call(Call::DeleteGroup(builders)).await;
    r.ok("archived members: delete the group", &dropped, 200);
    let returned = r.call(Call::RestoreUser(ant)).await;
    r.expect(
        "archived members: the deleted group's membership went too",
        (returned.names_in("groups"), returned.body["roles"].clone()),
        (
            Vec::new(),
            json!([{"role": "Development", "sources": [{"type": "direct"}]}]),
        ),
    );
}
