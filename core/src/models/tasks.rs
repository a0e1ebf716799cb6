//! Tasks, news feed, comments and groups models (camelCase keys; task ids
//! are strings on some portals, so ids here are read as strings).

use serde_json::Value;

use crate::model;

model! {
    /// A task.
    #[serde(rename_all = "camelCase")]
    pub struct Task {
        id: String,
        title: String,
        body: String,
        status: String,
        priority: String,
        /// Deadline, seconds since the Unix epoch.
        deadline: i64,
        responsible_id: i64,
        accomplices_ids: Vec<i64>,
        auditors_ids: Vec<i64>,
        kanban_stage_id: String,
        group_id: i64,
        parent_id: String,
        checklists: Vec<Checklist>,
        files: Vec<Value>,
    }
}

model! {
    /// A stage of the tasks kanban.
    #[serde(rename_all = "camelCase")]
    pub struct TaskStage {
        id: String,
        title: String,
        color: String,
        after_id: String,
        sort: i64,
        /// The group the stage belongs to (`group_id` in responses).
        #[serde(rename = "group_id")]
        group_id: i64,
    }
}

model! {
    /// A checklist of a task.
    pub struct Checklist {
        id: i64,
        name: String,
        sort: i64,
        items: Vec<ChecklistItem>,
    }
}

model! {
    /// One item of a checklist.
    pub struct ChecklistItem {
        id: i64,
        title: String,
        done: bool,
        sort: i64,
    }
}

model! {
    /// A news feed post.
    #[serde(rename_all = "camelCase")]
    pub struct Post {
        id: i64,
        title: String,
        message: String,
        author_id: i64,
        #[serde(rename = "author_mood")]
        author_mood: String,
        /// Seconds since the Unix epoch.
        date: i64,
        #[serde(rename = "group_id")]
        group_id: i64,
        files: Vec<Value>,
        comments: Vec<Value>,
        recipients: Value,
        reactions: Vec<Value>,
        #[serde(rename = "total_comments")]
        total_comments: i64,
    }
}

model! {
    /// A comment on a post, task or CRM item.
    #[serde(rename_all = "camelCase")]
    pub struct Comment {
        id: i64,
        entity_type: String,
        entity_id: String,
        author_id: i64,
        message: String,
        /// Seconds since the Unix epoch.
        date: i64,
        pinned: bool,
        read: bool,
        next_id: i64,
        prev_id: i64,
        files: Vec<Value>,
        mentioned: Value,
        notify: Value,
        reactions: Vec<Value>,
        sub_comments: Value,
    }
}

model! {
    /// A work group.
    #[serde(rename_all = "camelCase")]
    pub struct Group {
        id: i64,
        name: String,
        /// `OPEN`, `CLOSED` or `SECRET`.
        group_type: String,
        owner_id: i64,
        description: String,
        group_theme: String,
        logo: String,
        archived: bool,
        moderators_ids: Vec<i64>,
        users_ids: Vec<i64>,
        external_user_ids: Vec<i64>,
        enable_color_theme: bool,
        theme_settings: Value,
        settings: Value,
    }
}
