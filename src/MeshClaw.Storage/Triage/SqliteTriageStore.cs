using Dapper;
using MeshClaw.Core.Triage;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Triage;

/// <summary>What triage decided for each message (so it is never decided twice), and its digests.</summary>
public sealed class SqliteTriageStore(SqliteDatabase database) : ITriageStore
{
    /// <summary>How many recent verdicts per domain the domain habit looks at: a correction among them breaks it.</summary>
    private const int DomainHistoryLimit = 10;

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
            INSERT INTO mail_triage (account, message_id, sender, subject, category, source, reason, folder, run_id, at, list_id, quiet)
            VALUES (@Account, @MessageId, @Sender, @Subject, @Category, @Source, @Reason, @Folder, @RunId, @At, @ListId, @Quiet)
            ON CONFLICT(account, message_id) DO NOTHING;
            INSERT INTO outcomes (run_id, agent, kind, subject, detail, source, at, item)
            VALUES (@RunId, @Agent, 'mail.triaged', @Subject, @Category || COALESCE(' -> ' || @Folder, '') || ': ' || @Reason, @Source, @At, @MessageId);
            """,
            new
            {
                decision.Account, decision.MessageId, decision.Sender, decision.Subject, decision.Category, decision.Source, decision.Reason,
                decision.Folder, decision.RunId, decision.Agent, At = decision.At.ToUnixTimeMilliseconds(), decision.ListId, decision.Quiet,
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<TriageKnowledge> KnowledgeAsync(string account, IReadOnlyCollection<string> senders, IReadOnlyCollection<string> listIds, int historyLimit, CancellationToken cancellationToken)
    {
        var history = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var bySender = new Dictionary<string, MailCorrection>(StringComparer.Ordinal);
        var byList = new Dictionary<string, MailCorrection>(StringComparer.Ordinal);
        var suspended = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var listHistory = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in senders.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            // One query per chunk of senders, not one per message: the window keeps each sender's newest decisions.
            // A verdict the user corrected is never learned from; nor is mail that wanted attention (a question, a
            // deadline), since such mail always goes to the model: the habit is learned from the sender's quiet mail.
            var rows = await connection.QueryAsync<(string Sender, string Category)>(new CommandDefinition("""
                SELECT sender, category FROM (
                    SELECT sender, category, at, ROW_NUMBER() OVER (PARTITION BY sender ORDER BY at DESC) AS n
                    FROM mail_triage WHERE account = @Account AND source = 'model' AND corrected_to IS NULL AND quiet = 1 AND sender IN @Senders)
                WHERE n <= @Limit ORDER BY sender, at DESC
                """, new { Account = account, Senders = chunk, Limit = historyLimit }, cancellationToken: cancellationToken));
            foreach (var group in rows.GroupBy(r => r.Sender, StringComparer.Ordinal))
            {
                history[group.Key] = [.. group.Select(r => r.Category)];
            }

            foreach (var correction in await LatestCorrectionsAsync(connection, account, "sender", chunk, cancellationToken))
            {
                bySender[correction.Sender] = correction;
            }

            var mistakes = await connection.QueryAsync<(string Sender, string Source)>(new CommandDefinition("""
                SELECT sender, source FROM mail_triage
                WHERE account = @Account AND sender IN @Senders AND corrected_to IS NOT NULL AND source LIKE 'rule:%'
                GROUP BY sender, source HAVING COUNT(*) >= 2
                """, new { Account = account, Senders = chunk }, cancellationToken: cancellationToken));
            foreach (var group in mistakes.GroupBy(m => m.Sender, StringComparer.Ordinal))
            {
                suspended[group.Key] = group.Select(m => m.Source).ToHashSet(StringComparer.Ordinal);
            }
        }

        foreach (var chunk in listIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            foreach (var correction in await LatestCorrectionsAsync(connection, account, "list_id", chunk, cancellationToken))
            {
                byList[correction.ListId!] = correction;
            }

            var rows = await connection.QueryAsync<(string ListId, string Category)>(new CommandDefinition("""
                SELECT list_id, category FROM (
                    SELECT list_id, category, at, ROW_NUMBER() OVER (PARTITION BY list_id ORDER BY at DESC) AS n
                    FROM mail_triage WHERE account = @Account AND source = 'model' AND corrected_to IS NULL AND quiet = 1 AND list_id IN @Lists)
                WHERE n <= @Limit ORDER BY list_id, at DESC
                """, new { Account = account, Lists = chunk, Limit = historyLimit }, cancellationToken: cancellationToken));
            foreach (var group in rows.GroupBy(r => r.ListId, StringComparer.Ordinal))
            {
                listHistory[group.Key] = [.. group.Select(r => r.Category)];
            }
        }

        var domains = new Dictionary<string, IReadOnlyList<DomainVerdict>>(StringComparer.Ordinal);
        foreach (var chunk in senders.Select(TriageKnowledge.DomainOf).Distinct(StringComparer.Ordinal).Chunk(500))
        {
            // Quiet mail without a list, by the model or the domain rule itself (whose corrected verdicts must break the habit).
            var rows = await connection.QueryAsync<(string Domain, string Sender, string Category, string Source, string? CorrectedTo)>(new CommandDefinition("""
                SELECT domain, sender, category, source, corrected_to FROM (
                    SELECT lower(substr(sender, instr(sender, '@') + 1)) AS domain, sender, category, source, corrected_to, at,
                           ROW_NUMBER() OVER (PARTITION BY lower(substr(sender, instr(sender, '@') + 1)) ORDER BY at DESC) AS n
                    FROM mail_triage WHERE account = @Account AND quiet = 1 AND list_id IS NULL AND source IN ('model', @DomainRule)
                      AND lower(substr(sender, instr(sender, '@') + 1)) IN @Domains)
                WHERE n <= @Limit ORDER BY domain, at DESC
                """, new { Account = account, Domains = chunk, DomainRule = DomainVerdict.RuleSource, Limit = DomainHistoryLimit }, cancellationToken: cancellationToken));
            foreach (var group in rows.GroupBy(r => r.Domain, StringComparer.Ordinal))
            {
                domains[group.Key] = [.. group.Select(r => new DomainVerdict(r.Sender, r.Category, r.Source, r.CorrectedTo))];
            }
        }

        return new TriageKnowledge(history, bySender, byList, suspended, listHistory) { DomainHistory = domains };
    }

    private static async Task<IEnumerable<MailCorrection>> LatestCorrectionsAsync(System.Data.Common.DbConnection connection, string account, string column, string[] keys, CancellationToken cancellationToken)
    {
        // The newest correction per key wins: a second correction in the other direction replaces the first.
        var rows = await connection.QueryAsync<CorrectionRow>(new CommandDefinition($"""
            SELECT account, message_id AS MessageId, sender, list_id AS ListId, subject, from_folder AS FromFolder, to_folder AS ToFolder,
                   to_category AS ToCategory, decided_by AS DecidedBy, run_id AS RunId, at FROM (
                SELECT c.*, COALESCE(t.subject, '') AS subject, ROW_NUMBER() OVER (PARTITION BY c.{column} ORDER BY c.at DESC, c.id DESC) AS n
                FROM mail_corrections c LEFT JOIN mail_triage t ON t.account = c.account AND t.message_id = c.message_id
                WHERE c.account = @Account AND c.{column} IN @Keys)
            WHERE n = 1
            """, new { Account = account, Keys = keys }, cancellationToken: cancellationToken));
        return rows.Select(r => new MailCorrection(r.Account, r.MessageId, r.Sender, r.ListId, r.Subject, r.FromFolder, r.ToFolder, r.ToCategory, r.DecidedBy,
            r.RunId, "", DateTimeOffset.FromUnixTimeMilliseconds(r.At)));
    }

    public async Task<IReadOnlyList<FiledMail>> FiledSinceAsync(string account, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string MessageId, string Sender, string? ListId, string Subject, string Category, string Source, string? Folder, string? CorrectedTo)>(
            new CommandDefinition("""
                SELECT message_id, sender, list_id, subject, category, source, folder, corrected_to
                FROM mail_triage WHERE account = @Account AND at >= @Since
                """, new { Account = account, Since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new FiledMail(r.MessageId, r.Sender, r.ListId, r.Subject, r.Category, r.Source, r.CorrectedTo ?? r.Folder ?? MailCorrection.Inbox))];
    }

    public async Task RecordCorrectionAsync(MailCorrection correction, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mail_corrections (account, message_id, sender, list_id, from_folder, to_folder, to_category, decided_by, run_id, at)
            VALUES (@Account, @MessageId, @Sender, @ListId, @FromFolder, @ToFolder, @ToCategory, @DecidedBy, @RunId, @At);
            UPDATE mail_triage SET corrected_to = @ToFolder, corrected_at = @At WHERE account = @Account AND message_id = @MessageId;
            UPDATE outcomes SET feedback = 'corrected', feedback_at = @At WHERE item = @MessageId AND kind = 'mail.triaged';
            INSERT INTO outcomes (run_id, agent, kind, subject, detail, source, at, item)
            VALUES (@RunId, @Agent, 'mail.corrected', @Subject, 'you moved it from ' || @FromFolder || ' to ' || @ToFolder || '; decided by ' || @DecidedBy, 'user', @At, @MessageId);
            """,
            new
            {
                correction.Account, correction.MessageId, correction.Sender, correction.ListId, correction.FromFolder, correction.ToFolder, correction.ToCategory,
                correction.DecidedBy, correction.RunId, correction.Agent, correction.Subject, At = correction.At.ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TriageAccuracy>> AccuracyAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var at = since.ToUnixTimeMilliseconds();
        var rows = await connection.QueryAsync<(string Source, long Verdicts, long Corrected)>(new CommandDefinition(
            "SELECT source, COUNT(*), SUM(corrected_to IS NOT NULL) FROM mail_triage WHERE at >= @At GROUP BY source", new { At = at }, cancellationToken: cancellationToken));
        // What a model verdict cost in this period: the tokens of the triage runs that asked the model, per verdict it gave.
        var (tokens, modelVerdicts) = await connection.QuerySingleAsync<(long?, long?)>(new CommandDefinition("""
            WITH r AS (SELECT run_id, SUM(source = 'model') AS m FROM mail_triage WHERE at >= @At GROUP BY run_id)
            SELECT SUM(runs.input_tokens + runs.output_tokens), SUM(r.m) FROM r JOIN runs ON runs.id = r.run_id WHERE r.m > 0
            """, new { At = at }, cancellationToken: cancellationToken));
        var perVerdict = modelVerdicts is > 0 ? (double)(tokens ?? 0) / modelVerdicts.Value : 0;
        return [.. rows.GroupBy(r => TriageAccuracy.KindOf(r.Source))
            .Select(g => new TriageAccuracy(g.Key, g.Sum(r => r.Verdicts), g.Sum(r => r.Corrected), g.Key == "model" ? 0 : (long)(g.Sum(r => r.Verdicts) * perVerdict)))
            .OrderByDescending(a => a.Verdicts)];
    }

    // Settable properties, not a constructor: Dapper matches a constructor by the column types SQLite reports, and an
    // expression column (COALESCE) has none.
    private sealed class CorrectionRow
    {
        public string Account { get; set; } = "";
        public string MessageId { get; set; } = "";
        public string Sender { get; set; } = "";
        public string? ListId { get; set; }
        public string Subject { get; set; } = "";
        public string FromFolder { get; set; } = "";
        public string ToFolder { get; set; } = "";
        public string? ToCategory { get; set; }
        public string DecidedBy { get; set; } = "";
        public string RunId { get; set; } = "";
        public long At { get; set; }
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
