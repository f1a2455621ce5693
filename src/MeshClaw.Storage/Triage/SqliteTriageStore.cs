using Dapper;
using MeshClaw.Core.Triage;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Triage;

/// <summary>What triage decided for each message (so it is never decided twice), and its digests.</summary>
public sealed class SqliteTriageStore(SqliteDatabase database) : ITriageStore
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

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> SenderHistoryAsync(string account, IReadOnlyCollection<string> senders, int limit, CancellationToken cancellationToken)
    {
        var history = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in senders.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            // One query per chunk of senders, not one per message: the window keeps each sender's newest decisions.
            var rows = await connection.QueryAsync<(string Sender, string Category)>(new CommandDefinition("""
                SELECT sender, category FROM (
                    SELECT sender, category, at, ROW_NUMBER() OVER (PARTITION BY sender ORDER BY at DESC) AS n
                    FROM mail_triage WHERE account = @Account AND source = 'model' AND sender IN @Senders)
                WHERE n <= @Limit ORDER BY sender, at DESC
                """, new { Account = account, Senders = chunk, Limit = limit }, cancellationToken: cancellationToken));
            foreach (var group in rows.GroupBy(r => r.Sender, StringComparer.Ordinal))
            {
                history[group.Key] = [.. group.Select(r => r.Category)];
            }
        }

        return history;
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
