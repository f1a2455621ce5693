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
    ];
}
