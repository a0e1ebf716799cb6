//! The operation table: every endpoint of the Uspacy API reference, declared
//! once. Typed methods, `Client::call`, the bindings' namespaces and the mock
//! portal's coverage test all read this table.
//!
//! A row marked `NOTE:` rests on weak public evidence; correct it here when a
//! live portal shows otherwise.

use crate::operation::Method::{Delete, Get, Patch, Post, Put};
use crate::operation::{AuthMode, BodyKind, Envelope, Operation, Paging};

/// All operations, in the order of the API reference.
pub static OPERATIONS: &[Operation] = &[
    Operation::new("auth.sign_in", Post, "/auth/v1/auth/sign_in")
        .auth(AuthMode::None)
        .body(BodyKind::Json)
        .returns("TokenPair"),
    // Used by Uspacy marketplace apps; missing from the public reference.
    Operation::new("auth.app_sign_in", Post, "/auth/v1/auth/app_sign_in")
        .auth(AuthMode::None)
        .body(BodyKind::Json)
        .returns("TokenPair"),
    Operation::new("auth.confirm_email", Post, "/auth/v1/auth/confirm_email")
        .auth(AuthMode::None)
        .body(BodyKind::Json)
        .returns("TokenPair"),
    // NOTE: the JS SDK sends the refresh token as bearer (done here); Go and PHP send the access
    // token.
    Operation::new("auth.refresh_token", Post, "/auth/v1/auth/refresh_token")
        .auth(AuthMode::RefreshToken)
        .returns("TokenPair"),
    Operation::new("auth.register", Post, "/auth/v1/auth/register")
        .auth(AuthMode::None)
        .body(BodyKind::Json)
        .returns("TokenPair"),
    Operation::new("auth.sign_up", Post, "/auth/v1/users")
        .auth(AuthMode::None)
        .body(BodyKind::Json)
        .returns("TokenPair"),
    Operation::new(
        "auth.forgot_password",
        Post,
        "/auth/v1/users/forgot_password",
    )
    .auth(AuthMode::None)
    .body(BodyKind::Json),
    Operation::new("auth.reset_password", Post, "/auth/v1/users/reset_password")
        .auth(AuthMode::None)
        .body(BodyKind::Json),
    // NOTE: medium confidence. Method disagreement: reference says PATCH, current JS
    // changePassword() sends POST to this path; first JS commit and old uspacy-sdk used PATCH
    // /company/v1/users/{id}/changePassword.
    Operation::new(
        "auth.change_user_password",
        Patch,
        "/auth/v1/users/{user_id}/change_password",
    )
    .body(BodyKind::Json)
    .returns("User"),
    // NOTE: medium confidence. Path and method taken from the API reference's open page
    // (https://{domain}.uspacy.ua/auth/v1/users/change_password, PATCH).
    Operation::new(
        "auth.change_password",
        Patch,
        "/auth/v1/users/change_password",
    )
    .body(BodyKind::Json),
    Operation::new("auth.check_email", Get, "/auth/v1/users/check_email")
        .auth(AuthMode::None)
        .query(&["email"])
        .returns("StatusMessage"),
    Operation::new("users.list", Get, "/company/v1/users")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "show",
            "ids",
            "search",
            "perPage",
            "boolean_operator",
            "status",
            "country",
            "head",
            "department",
            "table_fields",
            "sortModel",
        ])
        .returns("User"),
    Operation::new("users.get", Get, "/company/v1/users/{id}").returns("User"),
    Operation::new("users.update", Patch, "/company/v1/users/{id}")
        .body(BodyKind::Json)
        .returns("User"),
    Operation::new(
        "users.deactivate",
        Post,
        "/company/v1/users/{id}/deactivate",
    )
    .body(BodyKind::Json)
    .returns("User"),
    Operation::new("users.activate", Post, "/company/v1/users/{id}/activate")
        .body(BodyKind::Json)
        .returns("User"),
    Operation::new(
        "users.update_roles",
        Patch,
        "/company/v1/users/{id}/update_roles",
    )
    .body(BodyKind::Json)
    .returns("User"),
    Operation::new(
        "users.update_position",
        Patch,
        "/company/v1/users/{id}/update_position",
    )
    .body(BodyKind::Json)
    .returns("User"),
    Operation::new("users.settings.get", Get, "/company/v1/users/{id}/settings")
        .returns("PortalSettings"),
    Operation::new(
        "users.settings.update",
        Patch,
        "/company/v1/users/{id}/settings",
    )
    .body(BodyKind::Json)
    .returns("PortalSettings"),
    Operation::new(
        "users.two_factor.get_status",
        Get,
        "/company/v1/users/{id}/twofa_status",
    )
    .returns("TwoFactorStatus"),
    // NOTE: medium confidence. Method disagreement: reference says PATCH, but JS disable2Fa(id)
    // and PHP (copied from JS) send GET to this path; the self variant (/me/twofa_disable) is
    // PATCH in all SDKs.
    Operation::new(
        "users.two_factor.disable",
        Patch,
        "/company/v1/users/{id}/twofa_disable",
    )
    .returns("StatusMessage"),
    Operation::new("users.me.get", Get, "/company/v1/users/me").returns("User"),
    Operation::new(
        "users.me.get_two_factor_status",
        Get,
        "/company/v1/users/me/twofa_status",
    )
    .returns("TwoFactorStatus"),
    // NOTE: the confirming second step is in no SDK; its request fields are unknown.
    Operation::new(
        "users.me.enable_two_factor",
        Patch,
        "/company/v1/users/me/twofa_enable",
    )
    .returns("TwoFactorSetup"),
    Operation::new(
        "users.me.disable_two_factor",
        Patch,
        "/company/v1/users/me/twofa_disable",
    )
    .returns("StatusMessage"),
    // NOTE: query names disagree: JS sends email/firstName/lastName, PHP sends search/page/list.
    Operation::new("users.search", Get, "/company/v1/users/search")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["email", "firstName", "lastName", "search", "page", "list"])
        .returns("User"),
    Operation::new(
        "users.upload_avatar",
        Post,
        "/company/v1/users/upload_avatar",
    )
    .body(BodyKind::Multipart)
    .file_field("avatar")
    .returns("User"),
    // NOTE: low confidence. Only evidence: first JS commit (2023-08-15, camelCase era; path had
    // trailing slash) - removed a day later.
    Operation::new(
        "users.list_by_filter",
        Post,
        "/company/v1/users/getUsersByField",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array)
    .returns("User"),
    Operation::new(
        "users.me.get_settings",
        Get,
        "/company/v1/users/me/settings",
    )
    .returns("PortalSettings"),
    Operation::new(
        "users.me.update_settings",
        Patch,
        "/company/v1/users/me/settings",
    )
    .body(BodyKind::Json)
    .returns("PortalSettings"),
    Operation::new("departments.list", Get, "/company/v1/departments")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["page", "list", "show"])
        .returns("Department"),
    Operation::new("departments.create", Post, "/company/v1/departments")
        .body(BodyKind::Json)
        .returns("Department"),
    Operation::new("departments.get", Get, "/company/v1/departments/{id}").returns("Department"),
    Operation::new("departments.update", Patch, "/company/v1/departments/{id}")
        .body(BodyKind::Json)
        .returns("Department"),
    Operation::new("departments.delete", Delete, "/company/v1/departments/{id}"),
    Operation::new(
        "departments.update_roles",
        Patch,
        "/company/v1/departments/{id}/updateRoles",
    )
    .body(BodyKind::Json)
    .returns("Department"),
    Operation::new(
        "departments.add_users",
        Patch,
        "/company/v1/departments/{id}/addUsers",
    )
    .body(BodyKind::Json)
    .returns("Department"),
    Operation::new(
        "departments.remove_users",
        Patch,
        "/company/v1/departments/{id}/deleteUsers",
    )
    .body(BodyKind::Json)
    .returns("Department"),
    Operation::new("roles.permissions.list", Get, "/company/v1/permissions").returns("Permissions"),
    Operation::new("roles.list", Get, "/company/v1/roles")
        .envelope(Envelope::Array)
        .returns("Role"),
    Operation::new("roles.create", Post, "/company/v1/roles")
        .body(BodyKind::Json)
        .returns("Role"),
    Operation::new("roles.get", Get, "/company/v1/roles/{id}").returns("Role"),
    Operation::new("roles.update", Patch, "/company/v1/roles/{id}")
        .body(BodyKind::Json)
        .returns("Role"),
    Operation::new("roles.delete", Delete, "/company/v1/roles/{id}"),
    Operation::new("invites.check", Get, "/company/v1/users/check_invite")
        .query(&["email"])
        .returns("StatusMessage"),
    Operation::new("invites.create", Post, "/company/v1/invites/email").body(BodyKind::Json),
    Operation::new(
        "invites.create_batch",
        Post,
        "/company/v1/invites/email/batch",
    )
    .body(BodyKind::Json)
    .returns("StatusMessage"),
    Operation::new(
        "invites.resend",
        Patch,
        "/company/v1/invites/email/{user_id}/repeat_invitation",
    )
    .returns("StatusMessage"),
    Operation::new(
        "invites.delete",
        Delete,
        "/company/v1/invites/email/{user_id}",
    )
    .returns("StatusMessage"),
    Operation::new(
        "custom_fields.fields.list",
        Get,
        "/company/v1/custom_fields/users/fields",
    )
    .envelope(Envelope::Array)
    .returns("Field"),
    Operation::new(
        "custom_fields.fields.create",
        Post,
        "/company/v1/custom_fields/users/fields",
    )
    .body(BodyKind::Json)
    .returns("Field"),
    // NOTE: medium confidence. No SDK calls it; inferred from PATCH/DELETE on the same path (CRM
    // has the same pattern).
    Operation::new(
        "custom_fields.fields.get",
        Get,
        "/company/v1/custom_fields/users/fields/{field_code}",
    )
    .returns("Field"),
    Operation::new(
        "custom_fields.fields.update",
        Patch,
        "/company/v1/custom_fields/users/fields/{field_code}",
    )
    .body(BodyKind::Json)
    .returns("Field"),
    Operation::new(
        "custom_fields.fields.delete",
        Delete,
        "/company/v1/custom_fields/users/fields/{field_code}",
    ),
    // NOTE: medium confidence. Inferred from POST/DELETE on lists/{code} and Go CRM GET
    // entities/{entity}/lists/{code}.
    Operation::new(
        "custom_fields.lists.get",
        Get,
        "/company/v1/custom_fields/users/lists/{field_code}",
    )
    .envelope(Envelope::Array)
    .returns("ListValue"),
    Operation::new(
        "custom_fields.lists.upsert",
        Post,
        "/company/v1/custom_fields/users/lists/{field_code}",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array)
    .returns("ListValue"),
    Operation::new(
        "custom_fields.lists.delete_item",
        Delete,
        "/company/v1/custom_fields/users/lists/{field_code}/{value}",
    ),
    // NOTE: low confidence. No SDK or public code calls it; fields carry field_section_id.
    Operation::new(
        "custom_fields.sections.list",
        Get,
        "/company/v1/custom_fields/users/sections",
    )
    .envelope(Envelope::Array),
    Operation::new(
        "webhooks.incoming.list",
        Get,
        "/company/v1/incoming_webhooks",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&["page", "list", "name"])
    .returns("Webhook"),
    Operation::new(
        "webhooks.incoming.create",
        Post,
        "/company/v1/incoming_webhooks",
    )
    .body(BodyKind::Json),
    Operation::new(
        "webhooks.incoming.bulk_delete",
        Delete,
        "/company/v1/incoming_webhooks",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array),
    Operation::new(
        "webhooks.incoming.update",
        Patch,
        "/company/v1/incoming_webhooks/{id}",
    )
    .body(BodyKind::Json),
    Operation::new(
        "webhooks.incoming.delete",
        Delete,
        "/company/v1/incoming_webhooks/{id}",
    ),
    Operation::new("webhooks.outgoing.list", Get, "/company/v1/webhooks")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["page", "list", "name"])
        .returns("Webhook"),
    Operation::new("webhooks.outgoing.create", Post, "/company/v1/webhooks").body(BodyKind::Json),
    Operation::new(
        "webhooks.outgoing.bulk_delete",
        Delete,
        "/company/v1/webhooks",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array),
    Operation::new(
        "webhooks.outgoing.delete",
        Delete,
        "/company/v1/webhooks/{id}",
    ),
    Operation::new(
        "webhooks.outgoing.toggle",
        Patch,
        "/company/v1/webhooks/{id}/toggle",
    )
    .idempotent(false),
    Operation::new(
        "webhooks.outgoing.repeat",
        Patch,
        "/company/v1/webhooks/{id}/repeat",
    )
    .idempotent(false),
    Operation::new("newsfeed.posts.list", Get, "/newsfeed/v1/posts")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["page", "list", "group_id"])
        .returns("Post"),
    // NOTE: JS sends JSON (done here); Go and PHP send a form-urlencoded body.
    Operation::new("newsfeed.posts.create", Post, "/newsfeed/v1/posts")
        .body(BodyKind::Json)
        .returns("Post"),
    Operation::new("newsfeed.posts.update", Patch, "/newsfeed/v1/posts/{id}")
        .body(BodyKind::Json)
        .returns("Post"),
    Operation::new("newsfeed.posts.delete", Delete, "/newsfeed/v1/posts/{id}").body(BodyKind::Json),
    Operation::new("tasks.list", Get, "/tasks/v1/tasks")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
            "responsible_id",
        ])
        .returns("Task"),
    Operation::new("tasks.create", Post, "/tasks/v1/tasks")
        .body(BodyKind::Json)
        .returns("Task"),
    Operation::new("tasks.get", Get, "/tasks/v1/tasks/{id}")
        .query(&["crm_entity_list"])
        .returns("Task"),
    Operation::new("tasks.update", Patch, "/tasks/v1/tasks/{id}")
        .body(BodyKind::Json)
        .returns("Task"),
    Operation::new("tasks.delete", Delete, "/tasks/v1/tasks/{id}"),
    Operation::new("tasks.stages.list", Get, "/tasks/v1/stages")
        .envelope(Envelope::Data)
        .query(&["groupId", "allGroups"])
        .returns("TaskStage[]"),
    Operation::new("tasks.stages.create", Post, "/tasks/v1/stages")
        .body(BodyKind::Json)
        .returns("TaskStage"),
    // NOTE: medium confidence. Only in old uspacy-sdk and the first JS commit; current SDKs never
    // fetch a single stage.
    Operation::new("tasks.stages.get", Get, "/tasks/v1/stages/{id}").returns("TaskStage"),
    Operation::new("tasks.stages.update", Patch, "/tasks/v1/stages/{id}")
        .body(BodyKind::Json)
        .returns("TaskStage"),
    Operation::new("tasks.stages.delete", Delete, "/tasks/v1/stages/{id}"),
    Operation::new(
        "tasks.stages.move_task",
        Post,
        "/tasks/v1/stages/{id}/moveTask",
    )
    .body(BodyKind::Json)
    .idempotent(false),
    // NOTE: medium confidence. Inferred from POST on the same path; checklists are also embedded
    // in Task.checklists.
    Operation::new(
        "tasks.checklists.list",
        Get,
        "/tasks/v1/tasks/{task_id}/checklists",
    )
    .envelope(Envelope::Array)
    .returns("Checklist"),
    Operation::new(
        "tasks.checklists.create",
        Post,
        "/tasks/v1/tasks/{task_id}/checklists",
    )
    .body(BodyKind::Json)
    .returns("Task"),
    Operation::new(
        "tasks.checklists.update",
        Patch,
        "/tasks/v1/tasks/checklists/{id}",
    )
    .body(BodyKind::Json)
    .returns("Task"),
    Operation::new(
        "tasks.checklists.delete",
        Delete,
        "/tasks/v1/tasks/checklists/{id}",
    ),
    // NOTE: medium confidence. Inferred from POST on the same path; old doc-era path was
    // /tasks/v1/checklist/{id}.
    Operation::new(
        "tasks.checklist_items.list",
        Get,
        "/tasks/v1/tasks/checklists/{id}/items",
    )
    .envelope(Envelope::Array)
    .returns("ChecklistItem"),
    Operation::new(
        "tasks.checklist_items.create",
        Post,
        "/tasks/v1/tasks/checklists/{id}/items",
    )
    .body(BodyKind::Json)
    .returns("Task"),
    Operation::new(
        "tasks.checklist_items.delete",
        Delete,
        "/tasks/v1/tasks/checklists/{id}/items/{item_id}",
    ),
    Operation::new(
        "tasks.checklist_items.update",
        Patch,
        "/tasks/v1/tasks/checklists/{id}/items/{item_id}",
    )
    .body(BodyKind::Json)
    .returns("Task"),
    Operation::new("tasks.bulk_complete", Post, "/tasks/v1/tasks/mass_ready").body(BodyKind::Json),
    Operation::new("tasks.bulk_delete", Post, "/tasks/v1/tasks/mass_deletion").body(BodyKind::Json),
    Operation::new("tasks.bulk_update", Post, "/tasks/v1/tasks/mass_edit").body(BodyKind::Json),
    Operation::new(
        "tasks.transfers.transfer_to_user",
        Post,
        "/tasks/v1/transfers/user",
    )
    .body(BodyKind::Json)
    .returns("TransferResult"),
    // NOTE: low confidence. No SDK or public code calls a department transfer; path guessed from
    // the transfers namespace (legacy variant could be /tasks/v1/transfer/department).
    Operation::new(
        "tasks.transfers.transfer_to_department",
        Post,
        "/tasks/v1/transfers/department",
    )
    .body(BodyKind::Json),
    Operation::new("tasks.start", Patch, "/tasks/v1/tasks/{id}/start").returns("Task"),
    Operation::new("tasks.stop", Patch, "/tasks/v1/tasks/{id}/stop").returns("Task"),
    Operation::new("tasks.complete", Patch, "/tasks/v1/tasks/{id}/ready").returns("Task"),
    Operation::new("tasks.restart", Patch, "/tasks/v1/tasks/{id}/restart").returns("Task"),
    Operation::new("tasks.watch", Patch, "/tasks/v1/tasks/{id}/watch").returns("Task"),
    Operation::new("tasks.unwatch", Patch, "/tasks/v1/tasks/{id}/unwatch").returns("Task"),
    // NOTE: low confidence. No SDK or public code calls it; path guessed.
    Operation::new("tasks.settings.list", Get, "/tasks/v1/settings"),
    // NOTE: low confidence. Only PUT in the whole reference.
    Operation::new("tasks.settings.update", Put, "/tasks/v1/settings").body(BodyKind::Json),
    Operation::new("files.list", Get, "/files/v1/files")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["entityType", "entityId"])
        .returns("File"),
    // NOTE: Go names every file part files[] (done here); PHP numbers them files[0], files[1].
    Operation::new("files.upload", Post, "/files/v1/files")
        .body(BodyKind::Multipart)
        .file_field("files[]")
        .envelope(Envelope::Data)
        .returns("File[]"),
    Operation::new("files.get", Get, "/files/v1/files/{id}").returns("File"),
    // NOTE: medium confidence. Seed reuses the title 'Lists the file info' a third time; mapped to
    // the only other GET any SDK calls on the files service (JS getFilesSize, used by uspacy-
    // store).
    Operation::new("files.totals.get_size", Get, "/files/v1/totals/size")
        .envelope(Envelope::Data)
        .returns("StorageSize"),
    // NOTE: medium confidence. Only the old uspacy-sdk: {id} may be a numeric file id or an
    // upload-group UUID; sets entity_id to attach uploaded files to an entity.
    Operation::new("files.update", Patch, "/files/v1/files/{id}")
        .body(BodyKind::Json)
        .returns("File"),
    Operation::new("files.delete", Delete, "/files/v1/files/{id}").envelope(Envelope::Empty),
    // NOTE: low confidence. No SDK calls it; guessed by analogy with delete-by-entity.
    Operation::new("files.update_by_entity", Patch, "/files/v1/files")
        .body(BodyKind::Json)
        .query(&["entityType", "entityId"]),
    Operation::new("files.delete_by_entity", Delete, "/files/v1/files")
        .envelope(Envelope::Empty)
        .query(&["entityType", "entityId"]),
    Operation::new("comments.list", Get, "/comments/v1/comments")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "entityType",
            "entityId",
            "list",
            "childList",
            "nextId",
            "lastId",
        ])
        .returns("Comment"),
    Operation::new("comments.create", Post, "/comments/v1/comments")
        .body(BodyKind::Json)
        .returns("Comment"),
    Operation::new("comments.list_by_entity_ids", Get, "/comments/v1/comments")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "entityIds",
            "entityType",
            "list",
            "childList",
            "nextId",
            "lastId",
        ])
        .returns("Comment"),
    Operation::new("comments.update", Patch, "/comments/v1/comments/{id}")
        .body(BodyKind::Json)
        .returns("Comment"),
    Operation::new("comments.delete", Delete, "/comments/v1/comments/{id}").body(BodyKind::Json),
    Operation::new("comments.delete_by_entity", Delete, "/comments/v1/comments")
        .query(&["entityType", "entityId"]),
    Operation::new("groups.list", Get, "/groups/v1/groups")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["page", "list", "userId", "q"])
        .returns("Group"),
    // NOTE: JS sends multipart (done here, for the logo); Go and PHP send form-urlencoded.
    Operation::new("groups.create", Post, "/groups/v1/groups")
        .body(BodyKind::Multipart)
        .file_field("logo")
        .returns("Group"),
    Operation::new("groups.get", Get, "/groups/v1/groups/{id}").returns("Group"),
    Operation::new("groups.update", Patch, "/groups/v1/groups/{id}")
        .body(BodyKind::Json)
        .returns("Group"),
    Operation::new("groups.delete", Delete, "/groups/v1/groups/{id}"),
    Operation::new(
        "groups.upload_logo",
        Post,
        "/groups/v1/groups/{id}/upload_logo",
    )
    .body(BodyKind::Multipart)
    .file_field("logo"),
    Operation::new(
        "groups.members.add",
        Patch,
        "/groups/v1/groups/{id}/attachUser/{user_id}",
    )
    .body(BodyKind::Json),
    // NOTE: medium confidence. No SDK calls it; inferred from the attachUser sibling.
    Operation::new(
        "groups.members.remove",
        Patch,
        "/groups/v1/groups/{id}/detachUser/{user_id}",
    )
    .body(BodyKind::Json),
    Operation::new(
        "groups.members.join",
        Patch,
        "/groups/v1/groups/{id}/joinGroup",
    )
    .body(BodyKind::Json),
    Operation::new(
        "groups.members.leave",
        Patch,
        "/groups/v1/groups/{id}/leaveGroup",
    )
    .body(BodyKind::Json),
    // NOTE: medium confidence. Inferred from POST /groups/v1/invites (JS).
    Operation::new("groups.invites.list", Get, "/groups/v1/invites"),
    Operation::new("groups.invites.create", Post, "/groups/v1/invites").body(BodyKind::Json),
    // NOTE: low confidence. No SDK calls it; whether {id} is the invitation id or the group id is
    // unknown.
    Operation::new("groups.invites.decline", Delete, "/groups/v1/invites/{id}"),
    Operation::new(
        "groups.transfers.transfer_to_user",
        Post,
        "/groups/v1/transfers/user",
    )
    .body(BodyKind::Json)
    .returns("TransferResult"),
    Operation::new(
        "groups.transfers.get_quantity",
        Post,
        "/groups/v1/transfers/quantity",
    )
    .body(BodyKind::Json)
    .returns("TransferResult"),
    Operation::new(
        "groups.transfers.transfer_legacy",
        Post,
        "/groups/v1/transfer",
    )
    .body(BodyKind::Json),
    Operation::new(
        "groups.join_requests.list",
        Get,
        "/groups/v1/join/{group_id}",
    )
    .envelope(Envelope::Array),
    Operation::new(
        "groups.join_requests.create",
        Post,
        "/groups/v1/join/{group_id}/request",
    )
    .body(BodyKind::Json),
    Operation::new(
        "groups.join_requests.get",
        Get,
        "/groups/v1/join/{group_id}/request/{user_id}",
    ),
    Operation::new(
        "groups.join_requests.decline",
        Delete,
        "/groups/v1/join/{group_id}/request/{user_id}",
    ),
    Operation::new("crm.entities.list", Get, "/crm/v1/entity")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["with-funnels"])
        .returns("Entity"),
    Operation::new("crm.entities.create", Post, "/crm/v1/entity")
        .body(BodyKind::Json)
        .returns("Entity"),
    // NOTE: medium confidence. Path only seen in third-party code (Hive-Report/Uspacy-data-feeder
    // reads res.data.data); not in any official SDK.
    Operation::new("crm.field_types.list", Get, "/crm/v1/field_types")
        .envelope(Envelope::Data)
        .returns("FieldType[]"),
    Operation::new(
        "crm.fields.list",
        Get,
        "/crm/v1/entities/{entity_code}/fields",
    )
    .envelope(Envelope::Data)
    .returns("Field[]"),
    Operation::new(
        "crm.fields.create",
        Post,
        "/crm/v1/entities/{entity_code}/fields",
    )
    .body(BodyKind::Json)
    .returns("Field"),
    Operation::new(
        "crm.fields.get",
        Get,
        "/crm/v1/entities/{entity_code}/fields/{field_code}",
    )
    .returns("Field"),
    Operation::new(
        "crm.fields.update",
        Patch,
        "/crm/v1/entities/{entity_code}/fields/{field_code}",
    )
    .body(BodyKind::Json)
    .returns("Field"),
    Operation::new(
        "crm.fields.delete",
        Delete,
        "/crm/v1/entities/{entity_code}/fields/{field_code}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.field_list_items.list",
        Get,
        "/crm/v1/entities/{entity_code}/lists/{field_code}",
    )
    .envelope(Envelope::Array)
    .returns("ListValue"),
    Operation::new(
        "crm.field_list_items.upsert",
        Post,
        "/crm/v1/entities/{entity_code}/lists/{field_code}",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array)
    .returns("ListValue"),
    Operation::new(
        "crm.field_list_items.delete",
        Delete,
        "/crm/v1/entities/{entity_code}/lists/{field_code}/{value}",
    )
    .envelope(Envelope::Empty),
    Operation::new("crm.items.list", Get, "/crm/v1/entities/{entity_code}")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
            "funnel_id",
        ])
        .returns("Item"),
    Operation::new("crm.items.create", Post, "/crm/v1/entities/{entity_code}")
        .body(BodyKind::Json)
        .returns("Item"),
    Operation::new("crm.companies.list", Get, "/crm/v1/entities/companies")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
        ])
        .returns("Item"),
    Operation::new("crm.contacts.list", Get, "/crm/v1/entities/contacts")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
        ])
        .returns("Item"),
    Operation::new("crm.deals.list", Get, "/crm/v1/entities/deals")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
            "funnel_id",
        ])
        .returns("Item"),
    Operation::new("crm.leads.list", Get, "/crm/v1/entities/leads")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
            "funnel_id",
        ])
        .returns("Item"),
    Operation::new("crm.lead_fields.list", Get, "/crm/v1/entities/leads/fields")
        .envelope(Envelope::Data)
        .returns("Field[]"),
    Operation::new("crm.items.get", Get, "/crm/v1/entities/{entity_code}/{id}").returns("Item"),
    Operation::new(
        "crm.items.update",
        Patch,
        "/crm/v1/entities/{entity_code}/{id}",
    )
    .body(BodyKind::Json)
    .returns("Item"),
    Operation::new(
        "crm.items.delete",
        Delete,
        "/crm/v1/entities/{entity_code}/{id}",
    )
    .envelope(Envelope::Empty),
    // NOTE: low confidence. No SDK or public code calls a conversion endpoint; path is a guess
    // following the item sub-resource pattern (cf.
    Operation::new(
        "crm.items.convert",
        Post,
        "/crm/v1/entities/{entity_code}/{id}/convert",
    )
    .body(BodyKind::Json),
    Operation::new("crm.tasks.list", Get, "/crm/v1/static/tasks")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
        ])
        .returns("CrmTask"),
    Operation::new("crm.tasks.create", Post, "/crm/v1/static/tasks")
        .body(BodyKind::Json)
        .returns("CrmTask"),
    Operation::new("crm.tasks.get", Get, "/crm/v1/static/tasks/{id}").returns("CrmTask"),
    Operation::new("crm.tasks.update", Patch, "/crm/v1/static/tasks/{id}")
        .body(BodyKind::Json)
        .returns("CrmTask"),
    Operation::new("crm.tasks.delete", Delete, "/crm/v1/static/tasks/{id}")
        .envelope(Envelope::Empty),
    Operation::new(
        "crm.funnels.list",
        Get,
        "/crm/v1/entities/{entity_code}/funnel",
    )
    .envelope(Envelope::Array)
    .returns("Funnel"),
    Operation::new(
        "crm.funnels.create",
        Post,
        "/crm/v1/entities/{entity_code}/funnel",
    )
    .body(BodyKind::Json)
    .returns("Funnel"),
    // NOTE: medium confidence. Second "Get funnels." title; placed between create and edit, i.e.
    Operation::new(
        "crm.funnels.get",
        Get,
        "/crm/v1/entities/{entity_code}/funnel/{funnel_id}",
    )
    .returns("Funnel"),
    Operation::new(
        "crm.funnels.update",
        Patch,
        "/crm/v1/entities/{entity_code}/funnel/{funnel_id}",
    )
    .body(BodyKind::Json)
    .returns("Funnel"),
    Operation::new(
        "crm.funnels.delete",
        Delete,
        "/crm/v1/entities/{entity_code}/funnel/{funnel_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.kanban_stages.list",
        Get,
        "/crm/v1/entities/{entity_code}/kanban/stage",
    )
    .envelope(Envelope::Data)
    .query(&["funnel_id"])
    .returns("KanbanStage[]"),
    Operation::new(
        "crm.kanban_stages.create",
        Post,
        "/crm/v1/entities/{entity_code}/kanban/stage",
    )
    .body(BodyKind::Json)
    .returns("KanbanStage"),
    Operation::new(
        "crm.kanban_stages.get",
        Get,
        "/crm/v1/entities/{entity_code}/kanban/stage/{stage_id}",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&["page", "list"])
    .returns("Item"),
    Operation::new(
        "crm.kanban_stages.update",
        Patch,
        "/crm/v1/entities/{entity_code}/kanban/stage/{stage_id}",
    )
    .body(BodyKind::Json)
    .returns("KanbanStage"),
    Operation::new(
        "crm.kanban_stages.delete",
        Delete,
        "/crm/v1/entities/{entity_code}/kanban/stage/{stage_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.kanban_stages.move",
        Post,
        "/crm/v1/entities/{entity_code}/{item_id}/move/stage/{stage_id}",
    )
    .body(BodyKind::Json),
    // NOTE: medium confidence. Second "Get funnels./Funnel creating./editing./deleting." block
    // (385-391): only 4 ops (no GET-by-id), placed right after kanban stages; best match is the
    // fail/success reasons API /crm/v1/reasons which SDKs group with funnels/stages (JS
    // CrmDealsFunnelsService, PHP CrmFunnelsService) and which has exactly GET/POST on
    // /reasons/{x} and PATCH/DELETE on /reasons/{reason_id}.
    Operation::new("crm.reasons.list", Get, "/crm/v1/reasons/{funnel_id}").returns("Reasons"),
    // NOTE: medium confidence. Second "Get funnels./Funnel creating./editing./deleting." block
    // (385-391): only 4 ops (no GET-by-id), placed right after kanban stages; best match is the
    // fail/success reasons API /crm/v1/reasons which SDKs group with funnels/stages (JS
    // CrmDealsFunnelsService, PHP CrmFunnelsService) and which has exactly GET/POST on
    // /reasons/{x} and PATCH/DELETE on /reasons/{reason_id}.
    Operation::new("crm.reasons.create", Post, "/crm/v1/reasons/{funnel_id}")
        .body(BodyKind::Json)
        .returns("Reason"),
    // NOTE: medium confidence. Second "Get funnels./Funnel creating./editing./deleting." block
    // (385-391): only 4 ops (no GET-by-id), placed right after kanban stages; best match is the
    // fail/success reasons API /crm/v1/reasons which SDKs group with funnels/stages (JS
    // CrmDealsFunnelsService, PHP CrmFunnelsService) and which has exactly GET/POST on
    // /reasons/{x} and PATCH/DELETE on /reasons/{reason_id}.
    Operation::new("crm.reasons.update", Patch, "/crm/v1/reasons/{reason_id}")
        .body(BodyKind::Json)
        .returns("Reason"),
    // NOTE: medium confidence. Second "Get funnels./Funnel creating./editing./deleting." block
    // (385-391): only 4 ops (no GET-by-id), placed right after kanban stages; best match is the
    // fail/success reasons API /crm/v1/reasons which SDKs group with funnels/stages (JS
    // CrmDealsFunnelsService, PHP CrmFunnelsService) and which has exactly GET/POST on
    // /reasons/{x} and PATCH/DELETE on /reasons/{reason_id}.
    Operation::new("crm.reasons.delete", Delete, "/crm/v1/reasons/{reason_id}")
        .envelope(Envelope::Empty),
    Operation::new(
        "crm.call_events.get",
        Get,
        "/crm/v1/events/call/{call_event_id}",
    )
    .returns("CallEvent"),
    Operation::new("crm.call_events.create", Post, "/crm/v1/events/call")
        .body(BodyKind::Json)
        .returns("CallEvent"),
    Operation::new(
        "crm.call_events.update",
        Patch,
        "/crm/v1/events/call/{call_event_id}",
    )
    .body(BodyKind::Json)
    .returns("CallEvent"),
    Operation::new(
        "crm.call_events.delete",
        Delete,
        "/crm/v1/events/call/{call_event_id}",
    )
    .envelope(Envelope::Empty),
    // NOTE: medium confidence. Title duplicates the CRM items-list title; placed right after the
    // call-event block, mapped to the call list (JS getCalls/getCallsWithFilters).
    Operation::new("crm.call_events.list", Get, "/crm/v1/events/call")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "responsible_id",
            "type",
            "status",
            "owner",
            "duration_by",
            "duration_from",
            "duration_to",
            "begin_time",
            "sort_by",
        ])
        .returns("CallEvent"),
    Operation::new(
        "crm.product_categories.tree",
        Get,
        "/crm/v1/static/product-categories",
    )
    .envelope(Envelope::Data)
    .returns("ProductCategory[]"),
    Operation::new(
        "crm.product_categories.create",
        Post,
        "/crm/v1/static/product-categories",
    )
    .body(BodyKind::Json)
    .returns("ProductCategory"),
    Operation::new(
        "crm.product_categories.get",
        Get,
        "/crm/v1/static/product-categories/{item_id}",
    )
    .returns("ProductCategory"),
    Operation::new(
        "crm.product_categories.update",
        Patch,
        "/crm/v1/static/product-categories/{item_id}",
    )
    .body(BodyKind::Json)
    .returns("ProductCategory"),
    Operation::new(
        "crm.product_categories.delete",
        Delete,
        "/crm/v1/static/product-categories/{item_id}",
    )
    .envelope(Envelope::Empty)
    .query(&["category_for_products", "child_categories"]),
    Operation::new("crm.units.list", Get, "/crm/v1/static/measurement-units")
        .envelope(Envelope::Data)
        .returns("MeasurementUnit[]"),
    Operation::new("crm.units.create", Post, "/crm/v1/static/measurement-units")
        .body(BodyKind::Json)
        .returns("MeasurementUnit"),
    // NOTE: medium confidence. Inferred from sibling PATCH/DELETE on the same path; no SDK calls
    // it.
    Operation::new(
        "crm.units.get",
        Get,
        "/crm/v1/static/measurement-units/{unit_id}",
    )
    .returns("MeasurementUnit"),
    Operation::new(
        "crm.units.update",
        Patch,
        "/crm/v1/static/measurement-units/{unit_id}",
    )
    .body(BodyKind::Json)
    .returns("MeasurementUnit"),
    Operation::new(
        "crm.units.delete",
        Delete,
        "/crm/v1/static/measurement-units/{unit_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new("crm.taxes.list", Get, "/crm/v1/static/taxes")
        .envelope(Envelope::Data)
        .returns("Tax[]"),
    Operation::new("crm.taxes.create", Post, "/crm/v1/static/taxes")
        .body(BodyKind::Json)
        .returns("Tax"),
    Operation::new("crm.taxes.update", Patch, "/crm/v1/static/taxes/{tax_id}")
        .body(BodyKind::Json)
        .returns("Tax"),
    Operation::new("crm.taxes.delete", Delete, "/crm/v1/static/taxes/{tax_id}")
        .envelope(Envelope::Empty),
    Operation::new("crm.products.list", Get, "/crm/v1/static/products")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "product_category_ids",
            "availability",
            "type",
            "is_active",
            "price",
            "balance_from",
            "balance_to",
            "sort_by",
            "filters",
        ])
        .returns("Product"),
    Operation::new("crm.products.create", Post, "/crm/v1/static/products")
        .body(BodyKind::Json)
        .returns("Product"),
    // NOTE: Go reads a {data: [...]} envelope here; JS and PHP leave it untyped.
    Operation::new(
        "crm.products.get",
        Get,
        "/crm/v1/static/products/{product_id}",
    )
    .returns("Product"),
    Operation::new(
        "crm.products.update",
        Patch,
        "/crm/v1/static/products/{product_id}",
    )
    .body(BodyKind::Json)
    .returns("Product"),
    Operation::new(
        "crm.products.delete",
        Delete,
        "/crm/v1/static/products/{product_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.entity_product_lists.get_or_create",
        Get,
        "/crm/v1/static/entity-product-lists",
    )
    .query(&["entity_type", "entity_id"])
    .returns("EntityProductList"),
    Operation::new(
        "crm.entity_product_lists.update",
        Patch,
        "/crm/v1/static/entity-product-lists/{id}",
    )
    .body(BodyKind::Json)
    .returns("EntityProductList"),
    Operation::new(
        "crm.list_products.create",
        Post,
        "/crm/v1/static/list-products",
    )
    .body(BodyKind::Json)
    .returns("EntityProductList"),
    Operation::new(
        "crm.list_products.get",
        Get,
        "/crm/v1/static/list-products/{item_id}",
    )
    .returns("ListProduct"),
    Operation::new(
        "crm.list_products.update",
        Patch,
        "/crm/v1/static/list-products/{item_id}",
    )
    .body(BodyKind::Json)
    .returns("ListProduct"),
    Operation::new(
        "crm.list_products.delete",
        Delete,
        "/crm/v1/static/list-products/{item_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.list_products.bulk_update",
        Patch,
        "/crm/v1/static/list-products/bulk",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array)
    .returns("ListProduct"),
    Operation::new(
        "crm.list_products.bulk_delete",
        Delete,
        "/crm/v1/static/list-products/bulk",
    )
    .envelope(Envelope::Empty)
    .query(&["list_products"]),
    Operation::new(
        "crm.document_templates.list",
        Get,
        "/crm/v1/documents/templates",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&[
        "page",
        "list",
        "search",
        "is_active",
        "binding_entities",
        "binding_entities_template",
        "created_at",
        "updated_at",
        "create_between",
        "update_between",
    ])
    .returns("DocumentTemplate"),
    Operation::new(
        "crm.document_templates.create",
        Post,
        "/crm/v1/documents/templates",
    )
    .body(BodyKind::Json)
    .returns("DocumentTemplate"),
    // NOTE: the reference lists PATCH without an id; JS and PHP add /{id} (done here).
    Operation::new(
        "crm.document_templates.update",
        Patch,
        "/crm/v1/documents/templates/{template_id}",
    )
    .body(BodyKind::Json)
    .returns("DocumentTemplate"),
    Operation::new(
        "crm.document_templates.bulk_delete",
        Delete,
        "/crm/v1/documents/templates",
    )
    .envelope(Envelope::Empty)
    .query(&["ids"]),
    Operation::new(
        "crm.document_template_fields.list",
        Get,
        "/crm/v1/documents/templates/fields",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&["page", "list", "binding_entities", "search"])
    .returns("TemplateField"),
    // NOTE: only the reference names it; parameters and response are unknown.
    Operation::new(
        "crm.document_template_fields.filter_entities",
        Get,
        "/crm/v1/documents/templates/fields/filter-entities",
    ),
    // NOTE: only the reference names it; the paginator envelope is presumed
    // from its page/list parameters, and its parameters are unverified.
    Operation::new("crm.documents.list", Get, "/crm/v1/documents")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&["page", "list"])
        .returns("Document"),
    // NOTE: only the reference names it; the body is unverified.
    Operation::new("crm.documents.create", Post, "/crm/v1/documents")
        .body(BodyKind::Json)
        .returns("Document"),
    // NOTE: only the reference names it; the body is unverified.
    Operation::new(
        "crm.documents.update",
        Patch,
        "/crm/v1/documents/{document_id}",
    )
    .body(BodyKind::Json)
    .returns("Document"),
    // NOTE: only the reference names it; the response shape is unverified.
    Operation::new(
        "crm.document_fields.list",
        Get,
        "/crm/v1/documents/{document_id}/fields",
    ),
    // NOTE: only the reference names it; the body is unverified.
    Operation::new(
        "crm.document_fields.update",
        Patch,
        "/crm/v1/documents/{document_id}/fields",
    )
    .body(BodyKind::Json),
    // NOTE: bare array or {data} is unverified; both decode.
    Operation::new(
        "crm.requisites.regions.list",
        Get,
        "/crm/v1/requisites/regions",
    )
    .envelope(Envelope::Array)
    .returns("Region"),
    Operation::new(
        "crm.requisites.templates.list",
        Get,
        "/crm/v1/requisites/templates",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&["page", "list"])
    .returns("RequisiteTemplate"),
    // NOTE: body keys beyond name and fields are unverified.
    Operation::new(
        "crm.requisites.templates.create",
        Post,
        "/crm/v1/requisites/templates",
    )
    .body(BodyKind::Json)
    .returns("RequisiteTemplate"),
    Operation::new(
        "crm.requisites.templates.update",
        Patch,
        "/crm/v1/requisites/templates/{template_id}",
    )
    .body(BodyKind::Json)
    .returns("RequisiteTemplate"),
    Operation::new(
        "crm.requisites.templates.delete",
        Delete,
        "/crm/v1/requisites/templates/{template_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new("crm.requisites.list", Get, "/crm/v1/requisites")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "entity_type",
            "entity_id",
            "entity_reference_type",
            "entity_reference_id",
            "is_reference_context",
            "is_basic",
            "requisite_id",
            "bank_requisite_id",
        ])
        .returns("Requisite"),
    Operation::new("crm.requisites.create", Post, "/crm/v1/requisites")
        .body(BodyKind::Json)
        .query(&[
            "entity_type",
            "entity_id",
            "entity_reference_type",
            "entity_reference_id",
            "is_reference_context",
            "is_basic",
            "requisite_id",
            "bank_requisite_id",
        ])
        .returns("Requisite"),
    Operation::new(
        "crm.requisites.get",
        Get,
        "/crm/v1/requisites/{requisite_id}",
    )
    .returns("Requisite"),
    Operation::new(
        "crm.requisites.update",
        Patch,
        "/crm/v1/requisites/{requisite_id}",
    )
    .body(BodyKind::Json)
    .returns("Requisite"),
    Operation::new(
        "crm.requisites.delete",
        Delete,
        "/crm/v1/requisites/{requisite_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.requisites.bank_requisites.list",
        Get,
        "/crm/v1/requisites/{requisite_id}/bank_requisites",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .returns("BankRequisite"),
    Operation::new(
        "crm.requisites.bank_requisites.create",
        Post,
        "/crm/v1/requisites/{requisite_id}/bank_requisites",
    )
    .body(BodyKind::Json)
    .returns("BankRequisite"),
    // NOTE: only the reference names it; whether it takes ids is unverified.
    Operation::new(
        "crm.requisites.bank_requisites.bulk_delete",
        Delete,
        "/crm/v1/requisites/{requisite_id}/bank_requisites",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "crm.requisites.bank_requisites.update",
        Patch,
        "/crm/v1/requisites/{requisite_id}/bank_requisites/{bank_requisite_id}",
    )
    .body(BodyKind::Json)
    .returns("BankRequisite"),
    Operation::new(
        "crm.requisites.bank_requisites.delete",
        Delete,
        "/crm/v1/requisites/{requisite_id}/bank_requisites/{bank_requisite_id}",
    )
    .envelope(Envelope::Empty),
    // NOTE: medium confidence. Only evidence is third-party code (Hive-Report/Uspacy-data-feeder)
    // calling GET /search/v1/search?q=...; no official SDK.
    Operation::new("search.query", Get, "/search/v1/search")
        .envelope(Envelope::Data)
        .query(&["q"]),
    // NOTE: no public client uses it; the multipart field names are unverified.
    Operation::new("file_import.upload_csv", Post, "/fileimport/v1/csv-import")
        .body(BodyKind::Multipart)
        .file_field("file"),
    Operation::new("apps.list", Get, "/apps/v1/apps")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "categories",
            "sort_by",
            "is_local",
            "is_installed",
            "installs_count_range",
            "code",
        ])
        .returns("App"),
    // NOTE: medium confidence. JS ships an ICreateAppDto (with logo:File) but no method calls it;
    // path/method inferred from the list endpoint.
    Operation::new("apps.create", Post, "/apps/v1/apps")
        .body(BodyKind::Multipart)
        .file_field("logo")
        .returns("App"),
    // NOTE: medium confidence. Inferred; no SDK calls it.
    Operation::new("apps.update", Patch, "/apps/v1/apps/{app_id}")
        .body(BodyKind::Json)
        .returns("App"),
    // NOTE: medium confidence. Inferred; no SDK calls it.
    Operation::new("apps.delete", Delete, "/apps/v1/apps/{app_id}").envelope(Envelope::Empty),
    Operation::new("email.mailboxes.list", Get, "/email/v1/emails")
        .envelope(Envelope::Data)
        .returns("Mailbox[]"),
    Operation::new("email.mailboxes.get", Get, "/email/v1/emails/{email_id}").returns("Mailbox"),
    Operation::new(
        "email.credentials.create",
        Post,
        "/email/v1/emails/credentials",
    )
    .body(BodyKind::Json)
    .returns("Mailbox"),
    Operation::new(
        "email.credentials.update",
        Patch,
        "/email/v1/emails/credentials/{email_id}",
    )
    .body(BodyKind::Json)
    .returns("Mailbox"),
    Operation::new(
        "email.settings.create",
        Post,
        "/email/v1/emails/settings/{email_id}",
    )
    .body(BodyKind::Json)
    .returns("Mailbox"),
    Operation::new(
        "email.settings.update",
        Patch,
        "/email/v1/emails/settings/{email_id}",
    )
    .body(BodyKind::Json)
    .returns("Mailbox"),
    Operation::new(
        "email.crm_settings.get",
        Get,
        "/email/v1/emails/crm_settings/{email_id}",
    )
    .envelope(Envelope::Array)
    .returns("CrmSetting"),
    // NOTE: medium confidence. Path inferred from the GET sibling; no SDK calls it.
    Operation::new(
        "email.crm_settings.update",
        Patch,
        "/email/v1/emails/crm_settings/{email_id}",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array)
    .returns("CrmSetting"),
    Operation::new("email.folders.list", Get, "/email/v1/folders")
        .envelope(Envelope::Data)
        .returns("Folder[]"),
    // NOTE: the minimal body (email_id, folder_name) is assumed; Go posts a whole folder.
    Operation::new("email.folders.create", Post, "/email/v1/folders")
        .body(BodyKind::Json)
        .returns("Folder"),
    // NOTE: medium confidence. Inferred from REST pattern; no SDK calls it.
    Operation::new(
        "email.folders.delete",
        Delete,
        "/email/v1/folders/{folder_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new("email.signatures.list", Get, "/email/v1/signatures")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .returns("Signature"),
    Operation::new("email.signatures.create", Post, "/email/v1/signatures")
        .body(BodyKind::Json)
        .returns("Signature"),
    Operation::new(
        "email.signatures.update",
        Patch,
        "/email/v1/signatures/{signature_id}",
    )
    .body(BodyKind::Json)
    .returns("Signature"),
    Operation::new(
        "email.signatures.delete",
        Delete,
        "/email/v1/signatures/{signature_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "email.letters.list_by_folder",
        Get,
        "/email/v1/letters/by_folder/{folder_id}",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&[
        "email_id",
        "page",
        "list",
        "q",
        "contact_name",
        "is_read",
        "date",
    ])
    .returns("Letter"),
    Operation::new(
        "email.letters.send",
        Post,
        "/email/v1/letters/by_folder/{folder_id}",
    )
    .body(BodyKind::Json)
    .returns("Letter"),
    Operation::new("email.letters.get", Get, "/email/v1/letters/{letter_id}").returns("Letter"),
    Operation::new(
        "email.letters.delete",
        Delete,
        "/email/v1/letters/{letter_id}",
    )
    .envelope(Envelope::Empty),
    Operation::new(
        "email.letters.update_crm_entities",
        Patch,
        "/email/v1/letters/{letter_id}",
    )
    .body(BodyKind::Json)
    .returns("Letter"),
    Operation::new(
        "email.letters.move",
        Patch,
        "/email/v1/letters/move/{folder_id}",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty),
    Operation::new(
        "email.letters.mark_read",
        Patch,
        "/email/v1/letters/read/{folder_id}",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty),
    Operation::new(
        "email.letters.mark_unread",
        Patch,
        "/email/v1/letters/unread/{folder_id}",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty),
    Operation::new(
        "history.changes.list",
        Get,
        "/history/v1/{service}/{entity_table_name}/{id}",
    )
    .envelope(Envelope::Paginated)
    .paging(Paging::PageList)
    .query(&["page", "list", "action"])
    .returns("HistoryChange"),
    Operation::new("activities.list", Get, "/activities/v1/activities")
        .envelope(Envelope::Paginated)
        .paging(Paging::PageList)
        .query(&[
            "page",
            "list",
            "q",
            "boolean_operator",
            "sort_by",
            "filters",
            "status",
            "type",
            "responsible_id",
        ])
        .returns("Activity"),
    Operation::new("activities.create", Post, "/activities/v1/activities")
        .body(BodyKind::Json)
        .returns("Activity"),
    // NOTE: JS uses /activities/v1/activities (done here); PHP and Go use /activities/v1/entities.
    Operation::new("activities.get", Get, "/activities/v1/activities/{id}").returns("Activity"),
    // NOTE: JS uses /activities/v1/activities (done here); PHP and Go use /activities/v1/entities.
    Operation::new("activities.update", Patch, "/activities/v1/activities/{id}")
        .body(BodyKind::Json)
        .returns("Activity"),
    // NOTE: JS uses /activities/v1/activities (done here); PHP and Go use /activities/v1/entities.
    Operation::new(
        "activities.delete",
        Delete,
        "/activities/v1/activities/{id}",
    )
    .envelope(Envelope::Empty),
    // NOTE: JS uses /activities/v1/activities (done here); PHP and Go use /activities/v1/entities.
    Operation::new(
        "activities.bulk_delete",
        Delete,
        "/activities/v1/activities/mass_deletion",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty)
    .query(&[
        "page",
        "list",
        "q",
        "boolean_operator",
        "sort_by",
        "filters",
    ]),
    // A bare array unless `cursor` or `limit` is given; both decode as a page.
    Operation::new("messenger.chats.list", Get, "/messenger/v1/chats")
        .envelope(Envelope::Cursor)
        .paging(Paging::Cursor)
        .query(&[
            "type",
            "name",
            "page",
            "list",
            "all",
            "include",
            "members",
            "responder",
            "externalLineIds",
            "externalStatuses",
            "lastMessageFrom",
            "lastMessageTo",
            "createdAtFrom",
            "createdAtTo",
            "firstReplyAtFrom",
            "firstReplyAtTo",
            "operatorReactionTimeFrom",
            "operatorReactionTimeTo",
            "withoutAnswers",
            "withoutOperatorReaction",
            "cursor",
            "limit",
        ])
        .returns("Chat"),
    // NOTE: the set of required fields is unverified.
    Operation::new("messenger.chats.create", Post, "/messenger/v1/chats")
        .body(BodyKind::Json)
        .returns("Chat"),
    // NOTE: PATCH on the collection with the id in the body is presumed; the body is unverified.
    Operation::new("messenger.chats.update", Patch, "/messenger/v1/chats")
        .body(BodyKind::Json)
        .returns("Chat"),
    // NOTE: the query names (type, value) are unverified.
    Operation::new(
        "messenger.chats.find_by_meta",
        Get,
        "/messenger/v1/chats/findByMeta",
    )
    .query(&["type", "value"])
    .returns("Chat"),
    // NOTE: the query names (type, value) are unverified.
    Operation::new(
        "messenger.chats.find_all_by_meta",
        Get,
        "/messenger/v1/chats/findAllByMeta",
    )
    .envelope(Envelope::Array)
    .query(&["type", "value"])
    .returns("Chat"),
    Operation::new("messenger.chats.get", Get, "/messenger/v1/chats/{id}").returns("Chat"),
    Operation::new("messenger.chats.delete", Delete, "/messenger/v1/chats/{id}")
        .envelope(Envelope::Empty),
    // NOTE: the body key is unverified.
    Operation::new(
        "messenger.chats.add_members",
        Post,
        "/messenger/v1/chats/{id}/members",
    )
    .body(BodyKind::Json)
    .returns("Chat"),
    // NOTE: the body key is unverified.
    Operation::new(
        "messenger.chats.remove_members",
        Delete,
        "/messenger/v1/chats/{id}/members",
    )
    .body(BodyKind::Json)
    .returns("Chat"),
    Operation::new(
        "messenger.chats.leave",
        Post,
        "/messenger/v1/chats/{id}/leave",
    )
    .envelope(Envelope::Empty),
    // NOTE: the body is unverified.
    Operation::new(
        "messenger.chats.set_active",
        Post,
        "/messenger/v1/chats/{id}/setActiveValue",
    )
    .body(BodyKind::Json)
    .returns("Chat"),
    Operation::new("messenger.chats.pin", Post, "/messenger/v1/chats/{id}/pin").returns("Chat"),
    Operation::new(
        "messenger.chats.unpin",
        Post,
        "/messenger/v1/chats/{id}/unpin",
    )
    .returns("Chat"),
    // NOTE: the body is unverified.
    Operation::new(
        "messenger.chats.mute",
        Post,
        "/messenger/v1/chats/{id}/mute",
    )
    .body(BodyKind::Json)
    .returns("Chat"),
    Operation::new(
        "messenger.chats.unmute",
        Post,
        "/messenger/v1/chats/{id}/unmute",
    )
    .returns("Chat"),
    Operation::new("messenger.messages.list", Get, "/messenger/v1/messages")
        .envelope(Envelope::TimestampPaged)
        .paging(Paging::Timestamp)
        .query(&[
            "chatId",
            "limit",
            "lastTimestamp",
            "firstTimestamp",
            "unreadFirst",
        ])
        .returns("Message"),
    Operation::new("messenger.messages.create", Post, "/messenger/v1/messages")
        .body(BodyKind::Json)
        .returns("Message"),
    Operation::new("messenger.messages.update", Patch, "/messenger/v1/messages")
        .body(BodyKind::Json)
        .returns("Message"),
    Operation::new(
        "messenger.messages.mark_read",
        Post,
        "/messenger/v1/messages/readMessages",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty),
    Operation::new(
        "messenger.messages.go_to",
        Get,
        "/messenger/v1/messages/{id}/goToMessage",
    )
    .envelope(Envelope::Array)
    .returns("Message"),
    Operation::new(
        "messenger.messages.forward",
        Post,
        "/messenger/v1/messages/forwardMessages",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Array)
    .returns("Message"),
    Operation::new(
        "messenger.messages.list_pinned",
        Get,
        "/messenger/v1/messages/getPinnedMessages",
    )
    .envelope(Envelope::Array)
    .query(&["chatId"])
    .returns("Message"),
    Operation::new(
        "messenger.messages.pin",
        Post,
        "/messenger/v1/messages/{id}/pin",
    ),
    Operation::new(
        "messenger.messages.unpin",
        Post,
        "/messenger/v1/messages/{id}/unpin",
    ),
    // NOTE: the body is unverified.
    Operation::new(
        "messenger.messages.bulk_delete",
        Delete,
        "/messenger/v1/messages/deleteMessages",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty),
    Operation::new(
        "messenger.messages.mark_all_read",
        Post,
        "/messenger/v1/messages/readAll",
    )
    .body(BodyKind::Json)
    .envelope(Envelope::Empty),
    Operation::new(
        "messenger.messages.delete",
        Delete,
        "/messenger/v1/messages/{id}",
    )
    .envelope(Envelope::Empty),
    Operation::new("messenger.messages.get", Get, "/messenger/v1/messages/{id}").returns("Message"),
    Operation::new(
        "messenger.external_lines.list",
        Get,
        "/messenger/v1/external-lines",
    )
    .envelope(Envelope::Array)
    .returns("ExternalLine"),
    Operation::new(
        "messenger.external_lines.create",
        Post,
        "/messenger/v1/external-lines",
    )
    .body(BodyKind::Json)
    .returns("ExternalLine"),
    Operation::new(
        "messenger.external_lines.get",
        Get,
        "/messenger/v1/external-lines/{id}",
    )
    .returns("ExternalLine"),
    Operation::new(
        "messenger.external_lines.delete",
        Delete,
        "/messenger/v1/external-lines/{id}",
    ),
    Operation::new(
        "messenger.external_lines.update",
        Patch,
        "/messenger/v1/external-lines/{id}",
    )
    .body(BodyKind::Json)
    .returns("ExternalLine"),
    // NOTE: only the reference names it; body and response are unverified.
    Operation::new(
        "messenger.telephony.start_call",
        Post,
        "/messenger/v1/telephony/call/start",
    )
    .body(BodyKind::Json),
    // NOTE: only the reference names it; body and response are unverified.
    Operation::new(
        "messenger.telephony.end_call",
        Post,
        "/messenger/v1/telephony/call/end",
    )
    .body(BodyKind::Json),
    // NOTE: the query parameters are unverified.
    Operation::new(
        "messenger.search.messages",
        Get,
        "/messenger/v1/search/messages",
    )
    .envelope(Envelope::Array)
    .query(&["q", "page"])
    .returns("Message"),
    Operation::new(
        "messenger.search.in_chat",
        Get,
        "/messenger/v1/search/{chat_id}",
    )
    .envelope(Envelope::Array)
    .query(&["q"])
    .returns("Message"),
];
