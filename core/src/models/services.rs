//! Models of the apps, e-mail, history, activities and messenger services.
//! E-mail and activities use snake_case keys, the messenger camelCase with
//! opaque string ids and millisecond timestamps.

use serde_json::Value;

use crate::model;

model! {
    /// A marketplace app.
    pub struct App {
        id: i64,
        name: String,
        code: String,
        short_description: String,
        description: String,
        instruction: String,
        tech_info: String,
        data_security: String,
        logo: String,
        active: bool,
        paid: bool,
        installed: bool,
        price: Value,
        developer_name: String,
        developer_link: String,
        integration_token: String,
    }
}

model! {
    /// A connected mailbox.
    pub struct Mailbox {
        id: i64,
        email: String,
        name: String,
        sender_name: String,
        imap_host: String,
        imap_port: i64,
        smtp_host: String,
        smtp_port: i64,
        access_level: String,
        status: String,
        sync_freq: i64,
        last_synced_at: String,
        crm_integration_enabled: bool,
        oauth_provider: String,
        access_roles: Vec<Value>,
        folders: Vec<Folder>,
        /// RFC 3339 date-time.
        created_at: String,
        /// RFC 3339 date-time.
        updated_at: String,
    }
}

model! {
    /// One CRM setting of a mailbox.
    pub struct CrmSetting {
        setting_name: String,
        setting_value: Value,
    }
}

model! {
    /// A mail folder.
    pub struct Folder {
        id: i64,
        email_id: i64,
        parent_id: i64,
        folder_name: String,
        path: String,
        /// Spelled as the API spells it.
        delimitter: String,
        message_count: i64,
        unread_message_count: i64,
        is_inbox: bool,
        is_trash: bool,
        is_spam: bool,
        is_draft: bool,
        is_junk: bool,
        is_sent: bool,
        is_root: bool,
        has_children: bool,
    }
}

model! {
    /// An e-mail signature.
    pub struct Signature {
        id: i64,
        name: String,
        signature: String,
        added_by: i64,
        is_all_emails: bool,
        emails: Vec<Value>,
        active: bool,
        created_at: String,
        updated_at: String,
    }
}

model! {
    /// An e-mail letter.
    pub struct Letter {
        id: i64,
        uid: i64,
        email_id: i64,
        message_id: String,
        subject: String,
        body: String,
        body_html: String,
        /// Seconds since the Unix epoch.
        date: i64,
        is_read: bool,
        /// `pending`, `error` or `succseed` (the API's spelling).
        status: String,
        contacts: Vec<Value>,
        folders: Vec<Value>,
        attachments: Vec<Value>,
        crm_entities: Value,
        main_message_id: String,
        parent_message_id: String,
        thread_length: i64,
    }
}

model! {
    /// One change in an entity's history.
    pub struct HistoryChange {
        id: Value,
        changed_by: i64,
        /// Seconds since the Unix epoch.
        changed_at: i64,
        contributor: Value,
        contributor_id: i64,
        items: Vec<Value>,
    }
}

model! {
    /// An activity: a CRM task, call or meeting.
    pub struct Activity {
        id: i64,
        title: String,
        #[serde(rename = "type")]
        activity_type: String,
        status: String,
        priority: String,
        description: String,
        start_time: i64,
        end_time: i64,
        responsible_id: i64,
        participants: Vec<Value>,
        created_by: i64,
        created_at: i64,
        updated_at: i64,
        closed_by: i64,
        closed_at: i64,
        first_closed_at: i64,
        /// `{entity_code: [{id, title, owner, table_name}]}`.
        crm_entities: Value,
        files: Vec<Value>,
    }
}

model! {
    /// A messenger chat.
    #[serde(rename_all = "camelCase")]
    pub struct Chat {
        id: String,
        name: String,
        /// `PRIVATE`, `PUBLIC`, `GROUP`, `DIRECT` or `EXTERNAL`.
        #[serde(rename = "type")]
        chat_type: String,
        owner_id: i64,
        members: Vec<i64>,
        picture_url: String,
        group_id: Value,
        pinned: bool,
        /// Milliseconds since the Unix epoch.
        timestamp: i64,
        last_message: Value,
        external_lines: Vec<Value>,
        /// `[{type, value}]`, what `findByMeta` looks up.
        meta: Vec<Value>,
        settings: Value,
        unread_count: i64,
        unread_mentions: Vec<Value>,
        active: bool,
        external_chat_status: String,
        assigned: Value,
        responder: Vec<Value>,
        created_at: i64,
        first_reply_at: i64,
    }
}

model! {
    /// A messenger message.
    #[serde(rename_all = "camelCase")]
    pub struct Message {
        id: String,
        chat_id: String,
        author_id: i64,
        message: String,
        /// `MESSAGE`, `AUDIO`, `VOICE`, `VIDEO`, `GIF`, `FORM_SUBMISSION` or `SYSTEM`.
        #[serde(rename = "type")]
        message_type: String,
        /// Milliseconds since the Unix epoch.
        timestamp: i64,
        update_timestamp: i64,
        parent_message: Value,
        attached_files: Vec<Value>,
        read_by: Vec<i64>,
        mentioned: Vec<Value>,
        /// An external line id or the whole line object.
        external_line: Value,
        external_author_id: String,
        relations: Vec<Value>,
        /// `sent`, `delivered`, `read` or `error`.
        status: String,
        status_text: String,
        #[serde(rename = "ref")]
        reference: Value,
        meta: Value,
        form_data: Vec<Value>,
    }
}

model! {
    /// An external line (a telephony or messenger channel).
    #[serde(rename_all = "camelCase")]
    pub struct ExternalLine {
        id: String,
        external_id: String,
        name: String,
        icon: String,
        phone_number: String,
        portal: String,
        timestamp: i64,
    }
}
