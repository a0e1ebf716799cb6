//! CRM models beyond items: CRM tasks, calls, products and their lists,
//! documents and requisites (snake_case keys, unix-second timestamps).

use serde_json::Value;

use super::flex::{Decimal, Money};
use crate::model;

model! {
    /// A CRM task (the legacy `/crm/v1/static/tasks` service).
    pub struct CrmTask {
        id: i64,
        title: String,
        description: String,
        #[serde(rename = "type")]
        task_type: String,
        status: String,
        created_at: i64,
        updated_at: i64,
        created_by: i64,
        responsible_id: i64,
        start_time: i64,
        end_time: i64,
    }
}

model! {
    /// A call logged in the CRM.
    pub struct CallEvent {
        id: i64,
        task_id: i64,
        contact_id: i64,
        company_id: i64,
        deal_id: i64,
        lead_id: i64,
        contacts: Vec<Value>,
        companies: Vec<Value>,
        deals: Vec<Value>,
        leads: Vec<Value>,
        subject: String,
        call_type: String,
        ended_call_status: String,
        from: String,
        to: String,
        begin_time: i64,
        end_time: i64,
        /// Seconds.
        duration: i64,
        call_record_link: String,
        call_record_file: Value,
        note: String,
        integration_code: String,
        external_id: String,
        employees: Value,
    }
}

model! {
    /// A product category, with its children.
    pub struct ProductCategory {
        id: i64,
        parent_id: i64,
        name: String,
        sort: i64,
        is_active: bool,
        child_categories: Vec<ProductCategory>,
    }
}

model! {
    /// A measurement unit (`шт`, `кг`).
    pub struct MeasurementUnit {
        id: i64,
        name: String,
        abbr: String,
        is_default: bool,
    }
}

model! {
    /// A tax rate.
    pub struct Tax {
        id: i64,
        name: String,
        /// Percent.
        rate: Decimal,
        is_active: bool,
        created_at: i64,
        updated_at: i64,
    }
}

model! {
    /// A product of the catalogue.
    pub struct Product {
        id: i64,
        title: String,
        description: String,
        #[serde(rename = "type")]
        product_type: String,
        is_active: bool,
        article: String,
        price: Money,
        prices: Vec<Value>,
        measurement_unit_id: i64,
        tax_id: i64,
        is_tax_included: bool,
        product_category_id: i64,
        balance: Decimal,
        file_ids: Vec<i64>,
        preview_image_id: i64,
        created_at: i64,
        updated_at: i64,
    }
}

model! {
    /// The product list of a CRM item, with its totals.
    pub struct EntityProductList {
        id: i64,
        entity_type: String,
        entity_id: i64,
        is_automatic_calculation: bool,
        amount_before_discount_and_tax: Decimal,
        amount_discount: Decimal,
        amount_tax: Decimal,
        amount_before_tax: Decimal,
        amount_total: Decimal,
        list_products: Vec<ListProduct>,
    }
}

model! {
    /// One line of a product list.
    pub struct ListProduct {
        id: i64,
        title: String,
        price: Decimal,
        currency: String,
        quantity: Decimal,
        measurement_unit_abbr: String,
        discount_value: Decimal,
        /// `percent` or `amount`.
        discount_type: String,
        discount_price: Decimal,
        tax_rate: Decimal,
        is_tax_included: bool,
        amount: Decimal,
        product: Value,
        product_id: i64,
        price_type_id: i64,
        created_at: i64,
        updated_at: i64,
    }
}

model! {
    /// A document template.
    pub struct DocumentTemplate {
        id: i64,
        name: String,
        is_active: bool,
        file: Value,
        code: String,
        binding_entities: Value,
        access: Value,
        numerator_id: i64,
        created_at: i64,
        updated_at: i64,
        created_by: i64,
        updated_by: i64,
        disabled: bool,
    }
}

model! {
    /// A field that document templates can insert.
    pub struct TemplateField {
        id: i64,
        name: String,
        entity: String,
        symbol_code: String,
    }
}

model! {
    /// A generated document.
    pub struct Document {
        id: i64,
        name: String,
        template_id: i64,
        entity_type: String,
        entity_id: i64,
        file: Value,
        created_at: i64,
        updated_at: i64,
    }
}

model! {
    /// A country or region that requisite templates belong to.
    pub struct Region {
        id: i64,
        code: String,
        name: String,
        image: String,
    }
}

model! {
    /// A requisite template.
    pub struct RequisiteTemplate {
        id: i64,
        name: String,
        region: Region,
        fields: Vec<Value>,
        created_at: i64,
        updated_at: i64,
        created_by: i64,
        updated_by: i64,
    }
}

model! {
    /// Requisites (legal details) of a company or contact.
    pub struct Requisite {
        id: i64,
        name: String,
        is_basic: bool,
        template_id: i64,
        template_name: String,
        region: Value,
        /// `{list, values}`.
        fields: Value,
        seal_picture: Value,
        sign_picture: Value,
        payer_pdv: bool,
        bank_requisites: Vec<BankRequisite>,
    }
}

model! {
    /// Bank details belonging to a requisite.
    pub struct BankRequisite {
        id: i64,
        name: String,
        is_basic: bool,
        requisite_id: i64,
        /// `{list, values}`.
        fields: Value,
        created_by: i64,
        updated_by: i64,
    }
}

model! {
    /// A CRM field type.
    pub struct FieldType {
        id: i64,
        code: String,
        name: String,
    }
}
