// Diesel table definitions, matching `migrations/`. The columns `txid` and
// `change_id` of `audit_events`, and the change feed's tables, are filled by
// defaults and triggers and read only through raw SQL.

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
        password_hash -> Nullable<Text>,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        must_change_password -> Bool,
        erased_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    browser_sessions (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
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
diesel::table! {
    api_tokens (id) {
        id -> Uuid,
        name -> Text,
        token_hash -> Bytea,
        strategy_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(browser_sessions -> users (user_id));
diesel::joinable!(api_tokens -> strategies (strategy_id));
diesel::joinable!(strategy_partners -> strategies (strategy_id));
diesel::joinable!(strategy_partners -> organisations (organisation_id));
diesel::joinable!(statements -> strategies (strategy_id));
diesel::joinable!(audit_events -> users (actor_user_id));

diesel::table! {
    actions (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        reference -> Text,
        title -> Text,
        description -> Text,
        lead_organisation_id -> Uuid,
        start_date -> Nullable<Date>,
        target_date -> Nullable<Date>,
        rag -> Text,
        rag_since -> Nullable<Timestamptz>,
        last_reported_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        archived_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    action_supporters (action_id, organisation_id) {
        action_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    action_statements (action_id, statement_id) {
        action_id -> Uuid,
        statement_id -> Uuid,
    }
}

diesel::table! {
    milestones (id) {
        id -> Uuid,
        action_id -> Uuid,
        title -> Text,
        baseline_due -> Date,
        due_date -> Date,
        completed_on -> Nullable<Date>,
        note -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    milestone_reschedules (id) {
        id -> Int8,
        milestone_id -> Uuid,
        from_date -> Date,
        to_date -> Date,
        reason -> Text,
        changed_by -> Nullable<Uuid>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    progress_updates (id) {
        id -> Uuid,
        action_id -> Uuid,
        author_id -> Uuid,
        organisation_id -> Nullable<Uuid>,
        kind -> Text,
        rag -> Nullable<Text>,
        commentary -> Text,
        progress -> Text,
        impact -> Text,
        next_steps -> Text,
        risks -> Text,
        created_at -> Timestamptz,
        period_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    pledges (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        organisation_id -> Uuid,
        commitment_id -> Uuid,
        commitment_kind -> Text,
        text -> Text,
        rag -> Text,
        updated_by -> Nullable<Uuid>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    pledge_versions (id) {
        id -> Int8,
        pledge_id -> Uuid,
        version -> Int4,
        text -> Text,
        rag -> Text,
        changed_by -> Nullable<Uuid>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    reporting_periods (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        name -> Text,
        starts_on -> Date,
        ends_on -> Date,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Uuid>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    period_action_snapshots (period_id, action_id) {
        period_id -> Uuid,
        action_id -> Uuid,
        rag -> Text,
        state -> Jsonb,
    }
}

diesel::table! {
    period_pledge_snapshots (period_id, organisation_id, commitment_id) {
        period_id -> Uuid,
        organisation_id -> Uuid,
        commitment_id -> Uuid,
        rag -> Text,
        state -> Jsonb,
    }
}

diesel::table! {
    indicators (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        title -> Text,
        description -> Text,
        unit -> Text,
        direction -> Text,
        baseline_value -> Numeric,
        baseline_date -> Date,
        target_value -> Numeric,
        target_date -> Date,
        owner_organisation_id -> Uuid,
        breakdown_dimension -> Nullable<Text>,
        breakdown_categories -> Array<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    indicator_ambitions (indicator_id, ambition_id) {
        indicator_id -> Uuid,
        ambition_id -> Uuid,
        ambition_kind -> Text,
    }
}

diesel::table! {
    indicator_values (id) {
        id -> Uuid,
        indicator_id -> Uuid,
        period_id -> Nullable<Uuid>,
        as_of -> Date,
        value -> Numeric,
        breakdown -> Jsonb,
        source -> Text,
        note -> Text,
        recorded_by -> Nullable<Uuid>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    indicator_value_versions (id) {
        id -> Int8,
        value_id -> Uuid,
        version -> Int4,
        as_of -> Date,
        period_id -> Nullable<Uuid>,
        value -> Numeric,
        breakdown -> Jsonb,
        source -> Text,
        note -> Text,
        changed_by -> Nullable<Uuid>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    period_indicator_snapshots (period_id, indicator_id) {
        period_id -> Uuid,
        indicator_id -> Uuid,
        state -> Jsonb,
    }
}

diesel::joinable!(reporting_periods -> strategies (strategy_id));
diesel::joinable!(period_action_snapshots -> reporting_periods (period_id));
diesel::joinable!(period_pledge_snapshots -> reporting_periods (period_id));
diesel::joinable!(progress_updates -> reporting_periods (period_id));
diesel::joinable!(actions -> strategies (strategy_id));
diesel::joinable!(actions -> organisations (lead_organisation_id));
diesel::joinable!(action_supporters -> actions (action_id));
diesel::joinable!(action_supporters -> organisations (organisation_id));
diesel::joinable!(action_statements -> actions (action_id));
diesel::joinable!(action_statements -> statements (statement_id));
diesel::joinable!(milestones -> actions (action_id));
diesel::joinable!(milestone_reschedules -> milestones (milestone_id));
diesel::joinable!(progress_updates -> actions (action_id));
diesel::joinable!(progress_updates -> users (author_id));
diesel::joinable!(pledges -> strategies (strategy_id));
diesel::joinable!(pledges -> organisations (organisation_id));
diesel::joinable!(pledges -> statements (commitment_id));
diesel::joinable!(pledge_versions -> pledges (pledge_id));
diesel::joinable!(indicators -> strategies (strategy_id));
diesel::joinable!(indicators -> organisations (owner_organisation_id));
diesel::joinable!(indicator_ambitions -> indicators (indicator_id));
diesel::joinable!(indicator_ambitions -> statements (ambition_id));
diesel::joinable!(indicator_values -> indicators (indicator_id));
diesel::joinable!(indicator_value_versions -> indicator_values (value_id));
diesel::joinable!(period_indicator_snapshots -> reporting_periods (period_id));

diesel::table! {
    priorities (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        organisation_id -> Uuid,
        title -> Text,
        said -> Text,
        why_it_matters -> Text,
        raised_on -> Date,
        raised_at -> Text,
        response_due_on -> Date,
        status -> Text,
        raised_by -> Nullable<Uuid>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    priority_statements (priority_id, statement_id) {
        priority_id -> Uuid,
        statement_id -> Uuid,
    }
}

diesel::table! {
    priority_actions (priority_id, action_id) {
        priority_id -> Uuid,
        action_id -> Uuid,
    }
}

diesel::table! {
    priority_steps (id) {
        id -> Uuid,
        priority_id -> Uuid,
        status -> Text,
        message -> Text,
        response -> Nullable<Text>,
        owner_organisation_id -> Nullable<Uuid>,
        deliver_by -> Nullable<Date>,
        decline_reason -> Nullable<Text>,
        outcome -> Nullable<Text>,
        action_ids -> Array<Uuid>,
        author_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Uuid,
        kind -> Text,
        payload -> Jsonb,
        idempotency_key -> Text,
        state -> Text,
        run_at -> Timestamptz,
        attempts -> Int4,
        max_attempts -> Int4,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        url -> Text,
        description -> Text,
        entities -> Array<Text>,
        strategy_id -> Nullable<Uuid>,
        secret -> Text,
        position -> Int8,
        event_id -> Int8,
        enabled -> Bool,
        failing_since -> Nullable<Timestamptz>,
        disabled_at -> Nullable<Timestamptz>,
        disabled_reason -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        endpoint_id -> Uuid,
        position -> Int8,
        event_id -> Int8,
        webhook_id -> Text,
        attempts -> Int4,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        state -> Text,
        first_attempt_at -> Timestamptz,
        last_attempt_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(priorities -> strategies (strategy_id));
diesel::joinable!(priority_statements -> priorities (priority_id));
diesel::joinable!(priority_statements -> statements (statement_id));
diesel::joinable!(priority_actions -> priorities (priority_id));
diesel::joinable!(priority_actions -> actions (action_id));
diesel::joinable!(priority_steps -> priorities (priority_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::table! {
    achievements (id) {
        id -> Uuid,
        strategy_id -> Uuid,
        organisation_id -> Uuid,
        title -> Text,
        achieved -> Text,
        meant -> Text,
        achieved_on -> Date,
        tags -> Array<Text>,
        status -> Text,
        review_comment -> Nullable<Text>,
        reviewed_by -> Nullable<Uuid>,
        reviewed_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    achievement_statements (achievement_id, statement_id) {
        achievement_id -> Uuid,
        statement_id -> Uuid,
    }
}

diesel::table! {
    achievement_actions (achievement_id, action_id) {
        achievement_id -> Uuid,
        action_id -> Uuid,
    }
}

diesel::table! {
    achievement_figures (id) {
        id -> Uuid,
        achievement_id -> Uuid,
        position -> Int4,
        label -> Text,
        value -> Nullable<Numeric>,
        unit -> Nullable<Text>,
        as_of -> Nullable<Date>,
        indicator_value_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    achievement_voices (id) {
        id -> Uuid,
        achievement_id -> Uuid,
        position -> Int4,
        kind -> Text,
        text -> Text,
        role -> Text,
        age_band -> Nullable<Text>,
        consent_organisation_id -> Nullable<Uuid>,
        consent_on -> Nullable<Date>,
    }
}

diesel::joinable!(achievements -> strategies (strategy_id));
diesel::joinable!(achievement_statements -> achievements (achievement_id));
diesel::joinable!(achievement_statements -> statements (statement_id));
diesel::joinable!(achievement_actions -> achievements (achievement_id));
diesel::joinable!(achievement_actions -> actions (action_id));
diesel::joinable!(achievement_figures -> achievements (achievement_id));
diesel::joinable!(achievement_voices -> achievements (achievement_id));

diesel::allow_tables_to_appear_in_same_query!(
    actions,
    action_supporters,
    action_statements,
    milestones,
    milestone_reschedules,
    progress_updates,
    pledges,
    pledge_versions,
    reporting_periods,
    period_action_snapshots,
    period_pledge_snapshots,
    organisations,
    users,
    strategies,
    statements,
    strategy_partners,
    refresh_tokens,
    browser_sessions,
    audit_events,
    api_tokens,
    indicators,
    indicator_ambitions,
    indicator_values,
    indicator_value_versions,
    period_indicator_snapshots,
    priorities,
    priority_statements,
    priority_actions,
    priority_steps,
    jobs,
    mail_preferences,
    reminder_runs,
    webhook_endpoints,
    webhook_deliveries,
    achievements,
    achievement_statements,
    achievement_actions,
    achievement_figures,
    achievement_voices,
);

diesel::table! {
    mail_preferences (user_id, kind) {
        user_id -> Uuid,
        kind -> Text,
        subscribed -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    reminder_runs (period_id, kind) {
        period_id -> Uuid,
        kind -> Text,
        decided_at -> Timestamptz,
        recipients -> Int4,
    }
}
