using Dapper;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Triage;

/// <summary>What triage decided for each message (so it is never decided twice), outcomes, and digests.</summary>
public sealed class SqliteTriageStore(SqliteDatabase database)
{
    public async Task<HashSet<string>> DecidedAsync(string account, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var decided = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in messageIds.Chunk(500))
        {
            var rows = await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT message_id FROM mail_triage WHERE account = @Account AND message_id IN @Ids", new { Account = account, Ids = chunk }, cancellationToken: cancellationToken));
            decided.UnionWith(rows);
        }

        return decided;
    }

    public async Task RecordAsync(TriageDecision decision, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mail_triage (account, message_id, sender, subject, category, source, reason, folder, run_id, at)
            VALUES (@Account, @MessageId, @Sender, @Subject, @Category, @Source, @Reason, @Folder, @RunId, @At)
            ON CONFLICT(account, message_id) DO NOTHING;
            INSERT INTO outcomes (run_id, agent, kind, subject, detail, source, at)
            VALUES (@RunId, @Agent, 'mail.triaged', @Subject, @Category || COALESCE(' -> ' || @Folder, '') || ': ' || @Reason, @Source, @At);
            """,
            new
            {
                decision.Account, decision.MessageId, decision.Sender, decision.Subject, decision.Category, decision.Source, decision.Reason,
                decision.Folder, decision.RunId, decision.Agent, At = decision.At.ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The categories the model gave this sender's recent mail, newest first (for the learned-sender rule).</summary>
    public async Task<IReadOnlyList<string>> SenderHistoryAsync(string account, string sender, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT category FROM mail_triage WHERE account = @Account AND sender = @Sender AND source = 'model' ORDER BY at DESC LIMIT @Limit",
            new { Account = account, Sender = sender, Limit = limit }, cancellationToken: cancellationToken))];
    }

    public async Task AddOutcomeAsync(string runId, string agent, string kind, string subject, string? detail, string source, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outcomes (run_id, agent, kind, subject, detail, source, at) VALUES (@RunId, @Agent, @Kind, @Subject, @Detail, @Source, @At)",
            new { RunId = runId, Agent = agent, Kind = kind, Subject = subject, Detail = detail, Source = source, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task AddDigestAsync(string runId, string agent, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("INSERT INTO digests (run_id, agent, text, at) VALUES (@RunId, @Agent, @Text, @At)",
            new { RunId = runId, Agent = agent, Text = text, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<string?> LatestDigestAsync(string agent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT text FROM digests WHERE agent = @Agent ORDER BY id DESC LIMIT 1", new { Agent = agent }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<(string Source, int Count)>> SourcesAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<(string, int)>(new CommandDefinition(
            "SELECT source, COUNT(*) FROM mail_triage WHERE run_id = @RunId GROUP BY source", new { RunId = runId }, cancellationToken: cancellationToken))];
    }
}

public sealed record TriageDecision(
    string Account, string MessageId, string Sender, string Subject, string Category, string Source, string Reason, string? Folder, string RunId, string Agent, DateTimeOffset At);
