//! Company service models: users, departments, roles, webhooks (camelCase keys).

use serde_json::Value;

use crate::model;

model! {
    /// A portal user. Custom user fields are top-level keys kept in `extra`.
    #[serde(rename_all = "camelCase")]
    pub struct User {
        id: i64,
        auth_user_id: i64,
        first_name: String,
        last_name: String,
        patronymic: String,
        position: String,
        specialization: String,
        country: String,
        city: String,
        avatar: String,
        about_myself: String,
        active: bool,
        registered: bool,
        /// Birthday as the portal sends it (a date string).
        birthday: String,
        show_birth_year: bool,
        /// `[{type, value, main}]`.
        email: Vec<Value>,
        /// `[{type, value, main}]`.
        phone: Vec<Value>,
        roles: Vec<String>,
        departments_ids: Vec<i64>,
        social_media: Vec<Value>,
    }
}

model! {
    /// Portal or personal settings.
    #[serde(rename_all = "camelCase")]
    pub struct PortalSettings {
        name_format: String,
        lang: String,
        time_format: String,
        date_format: String,
        timezone: String,
        first_day: Value,
        country: String,
        phone_format: String,
        available_currencies: Vec<String>,
        default_currency: String,
        weekends: Vec<Value>,
        workhours_mode: String,
        workhours: Value,
        holidays: Vec<Value>,
        logo: String,
        installed_apps: Vec<Value>,
    }
}

model! {
    /// Whether two-factor authentication is on.
    pub struct TwoFactorStatus {
        enabled: bool,
    }
}

model! {
    /// The first step of enabling two-factor authentication.
    pub struct TwoFactorSetup {
        /// `get-qr-code`.
        step: String,
        /// The QR code or secret to enrol an authenticator app.
        code: String,
    }
}

model! {
    /// A department.
    #[serde(rename_all = "camelCase")]
    pub struct Department {
        id: i64,
        name: String,
        description: String,
        head_id: i64,
        parent_department_id: i64,
        users_ids: Vec<i64>,
        roles: Vec<String>,
        main: bool,
    }
}

model! {
    /// A role with its permissions.
    #[serde(rename_all = "camelCase")]
    pub struct Role {
        id: i64,
        code: String,
        title: String,
        user_list: Vec<i64>,
        department_list: Vec<i64>,
        permissions: Value,
    }
}

model! {
    /// The permission catalogue, by action.
    pub struct Permissions {
        create: Vec<Value>,
        view: Vec<Value>,
        edit: Vec<Value>,
        delete: Vec<Value>,
        export: Vec<Value>,
    }
}

model! {
    /// An incoming or outgoing webhook.
    pub struct Webhook {
        id: i64,
        name: String,
        description: String,
        url: String,
        active: bool,
        events: Vec<Value>,
        created_at: Value,
        updated_at: Value,
    }
}

model! {
    /// The result of moving tasks or groups to another user.
    #[serde(rename_all = "camelCase")]
    pub struct TransferResult {
        count: i64,
        status: Value,
    }
}
