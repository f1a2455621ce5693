using System.Text.Json;
using Dapper;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Tools;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Journal;

/// <summary>The action journal in SQLite. The intent row is committed before the action runs.</summary>
public sealed class SqliteActionJournal(SqliteDatabase database) : IActionJournal
{
    private const string Columns = "id, run_id, agent, tool, capability, risk, arguments, target, items, status, result, inverse_tool, inverse_arguments, undoes, at, completed_at";

    public async Task<long> RecordIntentAsync(JournalEntry intent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO journal (run_id, agent, tool, capability, risk, arguments, target, items, status, inverse_tool, inverse_arguments, undoes, at)
            VALUES (@RunId, @Agent, @Tool, @Capability, @Risk, @Arguments, @Target, @Items, @Status, @InverseTool, @InverseArguments, @Undoes, @At)
            RETURNING id
            """,
            new
            {
                intent.RunId, intent.Agent, intent.Tool, intent.Capability, Risk = intent.Risk.ToString(), intent.Arguments, intent.Target, intent.Items,
                Status = intent.Status.ToString(), InverseTool = intent.Inverse?.Tool, InverseArguments = intent.Inverse?.Arguments.GetRawText(),
                intent.Undoes, At = intent.At.ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
    }

    public async Task CompleteAsync(long id, JournalStatus status, string result, ToolInverse? inverse, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE journal SET status = @Status, result = @Result, completed_at = @At,
                inverse_tool = COALESCE(@InverseTool, inverse_tool), inverse_arguments = COALESCE(@InverseArguments, inverse_arguments)
            WHERE id = @Id
            """,
            new
            {
                Id = id, Status = status.ToString(), Result = result, At = at.ToUnixTimeMilliseconds(),
                InverseTool = inverse?.Tool, InverseArguments = inverse?.Arguments.GetRawText(),
            }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks an entry after the fact (reconciled after a crash, or undone).</summary>
    public async Task MarkAsync(long id, JournalStatus status, string note, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE journal SET status = @Status, result = COALESCE(result || ' | ', '') || @Note WHERE id = @Id",
            new { Id = id, Status = status.ToString(), Note = note }, cancellationToken: cancellationToken));
    }

    public async Task<JournalEntry?> GetAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM journal WHERE id = @Id", new { Id = id }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<JournalEntry>> ForRunAsync(string runId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM journal WHERE run_id = @RunId ORDER BY id", new { RunId = runId }, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> OpenIntentsAsync(CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM journal WHERE status = 'Intent' ORDER BY id", null, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> RecentAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM journal ORDER BY id DESC LIMIT @Limit", new { Limit = limit }, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> FindAsync(string tool, JournalStatus status, DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM journal WHERE tool = @Tool AND status = @Status AND at < @Before AND undoes IS NULL ORDER BY at LIMIT @Limit",
            new { Tool = tool, Status = status.ToString(), Before = before.ToUnixTimeMilliseconds(), Limit = limit }, cancellationToken);

    public async ValueTask<int> ChangedSinceAsync(string agent, string capability, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            SELECT COALESCE(SUM(items), 0) FROM journal
            WHERE agent = @Agent AND capability = @Capability AND at >= @Since AND status IN ('Intent', 'Done', 'Unknown', 'Failed', 'Permanent') AND undoes IS NULL
            """, new { Agent = agent, Capability = capability, Since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<JournalEntry>> QueryAsync(string sql, object? args, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<JournalRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    private sealed class JournalRow
    {
        public long id { get; set; }
        public string run_id { get; set; } = "";
        public string agent { get; set; } = "";
        public string tool { get; set; } = "";
        public string capability { get; set; } = "";
        public string risk { get; set; } = "";
        public string arguments { get; set; } = "";
        public string? target { get; set; }
        public long items { get; set; }
        public string status { get; set; } = "";
        public string? result { get; set; }
        public string? inverse_tool { get; set; }
        public string? inverse_arguments { get; set; }
        public long? undoes { get; set; }
        public long at { get; set; }
        public long? completed_at { get; set; }

        public JournalEntry ToEntry() => new()
        {
            Id = id, RunId = run_id, Agent = agent, Tool = tool, Capability = capability, Risk = Enum.Parse<ToolRisk>(risk),
            Arguments = arguments, Target = target, Items = (int)items, Status = Enum.Parse<JournalStatus>(status), Result = result,
            Inverse = inverse_tool is null ? null : new ToolInverse(inverse_tool, JsonDocument.Parse(inverse_arguments ?? "{}").RootElement.Clone()),
            Undoes = undoes, At = DateTimeOffset.FromUnixTimeMilliseconds(at),
            CompletedAt = completed_at is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null,
        };
    }
}
