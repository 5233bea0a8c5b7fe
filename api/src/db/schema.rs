// Diesel table definitions, matching `migrations/`. The `audit_events.txid`
// column (type xid8, filled by its default) is read only through raw SQL.

diesel::table! {
    organisations (id) {
        id -> Uuid,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        name -> Text,
        role -> Text,
        organisation_id -> Nullable<Uuid>,
        password_hash -> Text,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        family_id -> Uuid,
        user_id -> Uuid,
        token_hash -> Bytea,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        rotated_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    strategies (id) {
        id -> Uuid,
        title -> Text,
        vision -> Text,
        period_start -> Date,
        period_end -> Date,
        status -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    strategy_partners (strategy_id, organisation_id) {
        strategy_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    statements (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        kind -> Text,
        number -> Int4,
        title -> Text,
        description -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor_user_id -> Nullable<Uuid>,
        entity -> Text,
        entity_id -> Uuid,
        action -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        request_id -> Nullable<Text>,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(strategy_partners -> strategies (strategy_id));
diesel::joinable!(strategy_partners -> organisations (organisation_id));
diesel::joinable!(statements -> strategies (strategy_id));
diesel::joinable!(audit_events -> users (actor_user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    refresh_tokens,
    strategies,
    strategy_partners,
    statements,
    audit_events,
);
