namespace MeshClaw.Storage.Migrations;

/// <summary>The schema's history, oldest first. Times are Unix milliseconds; money is stored in nano-units.</summary>
public static class SchemaMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "runs and usage ledger", """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                agent TEXT NOT NULL,
                trigger_kind TEXT NOT NULL,
                trigger_detail TEXT,
                session TEXT,
                input TEXT NOT NULL,
                status TEXT NOT NULL,
                status_reason TEXT,
                answer TEXT,
                input_tokens INTEGER NOT NULL DEFAULT 0,
                output_tokens INTEGER NOT NULL DEFAULT 0,
                cached_tokens INTEGER NOT NULL DEFAULT 0,
                reasoning_tokens INTEGER NOT NULL DEFAULT 0,
                cost_nanos INTEGER NOT NULL DEFAULT 0,
                model_calls INTEGER NOT NULL DEFAULT 0,
                started_at INTEGER NOT NULL,
                ended_at INTEGER
            );
            CREATE INDEX runs_by_start ON runs(started_at DESC);
            CREATE INDEX runs_by_agent ON runs(agent, started_at DESC);
            CREATE INDEX runs_by_session ON runs(session, started_at) WHERE session IS NOT NULL;
            CREATE INDEX runs_running ON runs(status) WHERE status = 'Running';

            CREATE TABLE run_transcript (
                run_id TEXT NOT NULL REFERENCES runs(id),
                seq INTEGER NOT NULL,
                role TEXT NOT NULL,
                content TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (run_id, seq)
            ) WITHOUT ROWID;

            CREATE TABLE run_tool_calls (
                run_id TEXT NOT NULL REFERENCES runs(id),
                seq INTEGER NOT NULL,
                call_id TEXT NOT NULL,
                tool TEXT NOT NULL,
                arguments TEXT NOT NULL,
                outcome TEXT NOT NULL,
                result TEXT NOT NULL,
                duration_ms REAL NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (run_id, seq)
            ) WITHOUT ROWID;

            CREATE TABLE usage (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                provider TEXT NOT NULL,
                model_name TEXT NOT NULL,
                model_id TEXT NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                estimated INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                latency_ms REAL NOT NULL,
                agent TEXT,
                run_id TEXT,
                trigger TEXT,
                error TEXT
            );
            CREATE INDEX usage_by_time ON usage(at);
            CREATE INDEX usage_by_agent ON usage(agent, at);
            """),
        new(2, "security core: journal, audit chain, approvals, standing rules, checkpoints, settings, memories", """
            CREATE TABLE journal (
                id INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                tool TEXT NOT NULL,
                capability TEXT NOT NULL,
                risk TEXT NOT NULL,
                arguments TEXT NOT NULL,
                target TEXT,
                items INTEGER NOT NULL,
                status TEXT NOT NULL,
                result TEXT,
                inverse_tool TEXT,
                inverse_arguments TEXT,
                undoes INTEGER REFERENCES journal(id),
                at INTEGER NOT NULL,
                completed_at INTEGER
            );
            CREATE INDEX journal_by_run ON journal(run_id, id);
            CREATE INDEX journal_by_rate ON journal(agent, capability, at);
            CREATE INDEX journal_open ON journal(status) WHERE status = 'Intent';

            CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT NOT NULL,
                run_id TEXT,
                data TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);

            CREATE TABLE approvals (
                id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                tool TEXT NOT NULL,
                capability TEXT NOT NULL,
                arguments TEXT NOT NULL,
                target TEXT,
                reason TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                decided_at INTEGER,
                decided_by TEXT,
                standing_rule_id INTEGER
            );
            CREATE INDEX approvals_pending ON approvals(status, created_at) WHERE status = 'Pending';

            CREATE TABLE standing_rules (
                id INTEGER PRIMARY KEY,
                agent TEXT NOT NULL,
                capability TEXT NOT NULL,
                match TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                source_approval TEXT
            );

            CREATE TABLE run_checkpoints (run_id TEXT PRIMARY KEY REFERENCES runs(id), data TEXT NOT NULL, at INTEGER NOT NULL);

            CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

            CREATE TABLE memories (
                id INTEGER PRIMARY KEY,
                agent TEXT NOT NULL,
                text TEXT NOT NULL,
                trust TEXT NOT NULL,
                source_run TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE VIRTUAL TABLE memories_fts USING fts5(text, content='memories', content_rowid='id');
            CREATE TRIGGER memories_ai AFTER INSERT ON memories BEGIN
                INSERT INTO memories_fts(rowid, text) VALUES (new.id, new.text);
            END;
            CREATE TRIGGER memories_ad AFTER DELETE ON memories BEGIN
                INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.id, old.text);
            END;
            """),
        new(3, "mail triage decisions, outcomes, digests", """
            CREATE TABLE mail_triage (
                account TEXT NOT NULL,
                message_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                subject TEXT NOT NULL,
                category TEXT NOT NULL,
                source TEXT NOT NULL,
                reason TEXT NOT NULL,
                folder TEXT,
                run_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (account, message_id)
            ) WITHOUT ROWID;
            CREATE INDEX mail_triage_by_sender ON mail_triage(account, sender, at DESC);

            CREATE TABLE outcomes (
                id INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT,
                source TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            CREATE INDEX outcomes_by_run ON outcomes(run_id);
            CREATE INDEX outcomes_by_time ON outcomes(at);

            CREATE TABLE digests (
                id INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                text TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            """),
        new(4, "outcome feedback", """
            ALTER TABLE outcomes ADD COLUMN feedback TEXT;
            ALTER TABLE outcomes ADD COLUMN feedback_at INTEGER;
            CREATE INDEX outcomes_by_agent ON outcomes(agent, at);
            CREATE INDEX usage_by_run ON usage(run_id);
            """),
        new(5, "run taint", """
            ALTER TABLE runs ADD COLUMN taint TEXT;
            """),
        new(6, "daily usage rollup for the dashboard", """
            CREATE TABLE usage_daily (
                day TEXT NOT NULL,
                agent TEXT NOT NULL,
                model_id TEXT NOT NULL,
                trigger_kind TEXT NOT NULL,
                calls INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                latency_ms REAL NOT NULL,
                estimated INTEGER NOT NULL,
                failed INTEGER NOT NULL,
                PRIMARY KEY (day, agent, model_id, trigger_kind)
            ) WITHOUT ROWID;
            INSERT INTO usage_daily
            SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch'), COALESCE(agent, '(none)'), model_id,
                   COALESCE(substr(trigger, 1, CASE WHEN instr(trigger, ':') > 0 THEN instr(trigger, ':') - 1 ELSE length(trigger) END), '(none)'),
                   COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), SUM(reasoning_tokens), SUM(cost_nanos), SUM(latency_ms),
                   SUM(estimated), SUM(error IS NOT NULL)
            FROM usage GROUP BY 1, 2, 3, 4;
            """),
        new(7, "approvals closed with their run, purge lookups, dashboard sessions", """
            CREATE TABLE dashboard_sessions (key TEXT PRIMARY KEY, ticket BLOB NOT NULL, expires_at INTEGER, created_at INTEGER NOT NULL);
            ALTER TABLE approvals ADD COLUMN note TEXT;
            CREATE INDEX approvals_by_run ON approvals(run_id);
            CREATE INDEX journal_by_tool ON journal(tool, status, at);
            CREATE INDEX audit_by_run ON audit(run_id, seq) WHERE run_id IS NOT NULL;
            """),
        // A run's audit rows are found by walking seq (the rowid) back from the newest, which reaches a recent run at once;
        // the index cost every append, that is every tool call, one more page written.
        new(8, "audit appends without the per-run index", """
            DROP INDEX IF EXISTS audit_by_run;
            """),
        // Standing rules become grants with a scope: a run's (run_id), an hour's or today's (expires_at), or standing.
        // Revoked and expired grants keep their row (ended_at, end_reason), so the list can show what was allowed when.
        new(9, "grants: scope, expiry, uses, revocation", """
            ALTER TABLE standing_rules ADD COLUMN scope TEXT NOT NULL DEFAULT 'always';
            ALTER TABLE standing_rules ADD COLUMN run_id TEXT;
            ALTER TABLE standing_rules ADD COLUMN expires_at INTEGER;
            ALTER TABLE standing_rules ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE standing_rules ADD COLUMN last_used_at INTEGER;
            ALTER TABLE standing_rules ADD COLUMN ended_at INTEGER;
            ALTER TABLE standing_rules ADD COLUMN end_reason TEXT;
            CREATE INDEX approvals_by_time ON approvals(created_at);
            """),
        // Triage learns from the user: where the user moved a message triage had decided (a correction), and the list it
        // came from, so the sender's or the list's next mail goes where the user put it. Outcomes name their item, so a
        // correction marks the decision it corrects.
        new(10, "triage corrections", """
            ALTER TABLE mail_triage ADD COLUMN list_id TEXT;
            ALTER TABLE mail_triage ADD COLUMN corrected_to TEXT;
            ALTER TABLE mail_triage ADD COLUMN corrected_at INTEGER;
            ALTER TABLE mail_triage ADD COLUMN quiet INTEGER NOT NULL DEFAULT 1;
            CREATE INDEX mail_triage_by_time ON mail_triage(account, at);
            CREATE INDEX mail_triage_by_list ON mail_triage(account, list_id, at DESC) WHERE list_id IS NOT NULL;
            ALTER TABLE outcomes ADD COLUMN item TEXT;
            CREATE INDEX outcomes_by_item ON outcomes(item) WHERE item IS NOT NULL;
            CREATE TABLE mail_corrections (
                id INTEGER PRIMARY KEY,
                account TEXT NOT NULL,
                message_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                list_id TEXT,
                from_folder TEXT NOT NULL,
                to_folder TEXT NOT NULL,
                to_category TEXT,
                decided_by TEXT NOT NULL,
                run_id TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            CREATE INDEX mail_corrections_by_sender ON mail_corrections(account, sender, at DESC);
            CREATE INDEX mail_corrections_by_list ON mail_corrections(account, list_id, at DESC) WHERE list_id IS NOT NULL;
            """),
        // A channel's events (Slack envelopes and event ids) are recorded as they arrive, so a retry or a redelivery after a
        // reconnect is handled once (by event id; a button press by its envelope), across restarts.
        // The outbox: one row per notification (its key makes a second enqueue a no-op), one row per delivery to a channel.
        new(11, "inbound channel events seen once, the outbox", """
            CREATE TABLE inbound_events (source TEXT NOT NULL, event_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (source, event_id)) WITHOUT ROWID;
            CREATE TABLE outbox (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL);
            CREATE TABLE outbox_deliveries (outbox_id INTEGER NOT NULL REFERENCES outbox(id), channel TEXT NOT NULL, reference TEXT NOT NULL,
                at INTEGER NOT NULL, PRIMARY KEY (outbox_id, channel)) WITHOUT ROWID;
            """),
        // A delivery's attempt is written before the post: one still in doubt at start (a kill between the post and its record)
        // is looked for in the channel before posting again; a refused one is failed with Slack's error, and the queue goes on.
        new(12, "outbox delivery attempts", """
            CREATE TABLE outbox_attempts (outbox_id INTEGER NOT NULL REFERENCES outbox(id), channel TEXT NOT NULL, attempts INTEGER NOT NULL,
                started_at INTEGER NOT NULL, in_doubt INTEGER NOT NULL, last_error TEXT, failed INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (outbox_id, channel)) WITHOUT ROWID;
            """),
        // Dreaming: rules mined from repeated triage decisions (one per account, sender or list, and category, so a dream never
        // proposes one twice and a rejected one stays rejected), and the dream journal of what each dream proposed or retired.
        new(13, "learned rules and the dream journal", """
            CREATE TABLE learned_rules (
                id INTEGER PRIMARY KEY,
                account TEXT NOT NULL,
                match TEXT NOT NULL,
                key TEXT NOT NULL COLLATE NOCASE,
                category TEXT NOT NULL,
                status TEXT NOT NULL,
                evidence TEXT NOT NULL,
                decisions INTEGER NOT NULL,
                proposed_at INTEGER NOT NULL,
                proposed_by TEXT NOT NULL,
                decided_at INTEGER,
                retired_why TEXT,
                UNIQUE (account, match, key, category)
            );
            CREATE INDEX learned_rules_by_status ON learned_rules(status, account);
            CREATE TABLE dream_journal (
                id INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                rule_id INTEGER NOT NULL REFERENCES learned_rules(id),
                rule TEXT NOT NULL,
                evidence TEXT NOT NULL
            );
            CREATE INDEX dream_journal_by_time ON dream_journal(at);
            CREATE INDEX mail_triage_by_learned_rule ON mail_triage(source, corrected_to) WHERE source LIKE 'rule:learned:%';
            """),
    ];
}
