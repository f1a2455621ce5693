using Dapper;
using MeshClaw.Core.Dreaming;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Dreaming;

/// <summary>Learned rules and the dream journal in SQLite; the evidence is mined from <c>mail_triage</c> with the runs, audit and journal that judge it.</summary>
public sealed class SqliteLearnedRules(SqliteDatabase database) : ILearnedRules
{
    public async Task<IReadOnlyList<HabitEvidence>> HabitsAsync(DateTimeOffset since, int minDecisions, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var at = since.ToUnixTimeMilliseconds();
        // Poisoned: a decision of a run that met an attack (status Blocked) or read content in which control tokens or
        // hidden characters had to be neutralised (its run.ended audit event counts them). Reverted: its run's filing
        // was undone. Both are judged per run: a run reads and files a batch, so one injected mail taints all its verdicts.
        var rows = await connection.QueryAsync<HabitRow>(new CommandDefinition("""
            WITH poisoned AS (
                SELECT id AS run_id FROM runs WHERE status = 'Blocked' AND started_at >= @At
                UNION SELECT run_id FROM audit WHERE kind = 'run.ended' AND run_id IS NOT NULL AND at >= @At AND data LIKE '%untrustedNeutralised%'),
            reverted AS (
                SELECT DISTINCT run_id FROM journal WHERE tool IN ('email_file_batch', 'email_move') AND status = 'Undone' AND at >= @At),
            d AS (
                SELECT t.account, CASE WHEN t.list_id IS NULL THEN 'Sender' ELSE 'List' END AS match, lower(COALESCE(t.list_id, t.sender)) AS key,
                    t.category, t.corrected_to, t.source, t.at,
                    t.run_id IN (SELECT run_id FROM poisoned) AS poisoned, t.run_id IN (SELECT run_id FROM reverted) AS reverted
                FROM mail_triage t WHERE t.at >= @At)
            SELECT account AS Account, match AS Match, key AS Key, COUNT(*) AS Decisions, COUNT(DISTINCT category) AS Categories, MIN(category) AS Category,
                SUM(corrected_to IS NOT NULL) AS Corrected, SUM(poisoned) AS Poisoned, SUM(reverted) AS Reverted,
                SUM(source LIKE 'rule:learned:%') AS ByLearnedRule, MIN(at) AS First, MAX(at) AS Last
            FROM d GROUP BY account, match, key HAVING COUNT(*) >= @Min
            """, new { At = at, Min = minDecisions }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new HabitEvidence(r.Account, Enum.Parse<RuleMatch>(r.Match), r.Key, (int)r.Decisions, (int)r.Categories, r.Category,
            (int)r.Corrected, (int)r.Poisoned, (int)r.Reverted, (int)r.ByLearnedRule, DateTimeOffset.FromUnixTimeMilliseconds(r.First), DateTimeOffset.FromUnixTimeMilliseconds(r.Last)))];
    }

    public async Task<IReadOnlyList<LearnedRule>> ListAsync(LearnedRuleStatus? status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryRulesAsync(connection, "WHERE @Status IS NULL OR r.status = @Status", new { Status = status?.ToString() }, cancellationToken);
    }

    public async Task<IReadOnlyList<LearnedRule>> AcceptedAsync(string account, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryRulesAsync(connection, "WHERE r.status = 'Accepted' AND r.account = @Account", new { Account = account }, cancellationToken);
    }

    public async Task<IReadOnlyList<DreamLine>> SaveDreamAsync(string runId, DateTimeOffset at, DreamPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var when = at.ToUnixTimeMilliseconds();
        var lines = new List<DreamLine>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var proposal in plan.Proposals)
        {
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
                INSERT INTO learned_rules (account, match, key, category, status, evidence, decisions, proposed_at, proposed_by)
                VALUES (@Account, @Match, @Key, @Category, 'Proposed', @Evidence, @Decisions, @At, @RunId)
                ON CONFLICT (account, match, key, category) DO NOTHING RETURNING id
                """, new { proposal.Account, Match = proposal.Match.ToString(), proposal.Key, proposal.Category, proposal.Evidence, proposal.Decisions, At = when, RunId = runId },
                transaction, cancellationToken: cancellationToken));
            if (id is { } added)
            {
                lines.Add(new DreamLine(runId, at, DreamLineKind.Proposed, added, Describe(proposal.Match, proposal.Key, proposal.Category), proposal.Evidence));
            }
        }

        foreach (var retirement in plan.Retirements)
        {
            var rule = await connection.QuerySingleOrDefaultAsync<(string Match, string Key, string Category)?>(new CommandDefinition("""
                UPDATE learned_rules SET status = 'Retired', retired_why = @Why, decided_at = @At WHERE id = @Id AND status = 'Accepted' RETURNING match, key, category
                """, new { Id = retirement.RuleId, Why = retirement.Why, At = when }, transaction, cancellationToken: cancellationToken));
            if (rule is { } retired)
            {
                lines.Add(new DreamLine(runId, at, DreamLineKind.Retired, retirement.RuleId, Describe(Enum.Parse<RuleMatch>(retired.Match), retired.Key, retired.Category), retirement.Why));
            }
        }

        foreach (var line in lines)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO dream_journal (run_id, at, kind, rule_id, rule, evidence) VALUES (@RunId, @At, @Kind, @RuleId, @Rule, @Evidence)
                """, new { line.RunId, At = when, Kind = line.Kind.ToString(), line.RuleId, line.Rule, line.Evidence }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return lines;
    }

    public async Task<LearnedRule?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await QueryRulesAsync(connection, "WHERE r.id = @Id", new { Id = id }, cancellationToken)).SingleOrDefault();
    }

    public async Task<LearnedRule?> DecideAsync(long id, bool accept, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE learned_rules SET status = @Status, decided_at = @At WHERE id = @Id AND status = 'Proposed'",
            new { Id = id, Status = (accept ? LearnedRuleStatus.Accepted : LearnedRuleStatus.Rejected).ToString(), At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return (await QueryRulesAsync(connection, "WHERE r.id = @Id", new { Id = id }, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<DreamLine>> JournalAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string RunId, long At, string Kind, long RuleId, string Rule, string Evidence)>(new CommandDefinition(
            "SELECT run_id, at, kind, rule_id, rule, evidence FROM dream_journal WHERE at >= @From AND at < @To ORDER BY id",
            new { From = from.ToUnixTimeMilliseconds(), To = to.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new DreamLine(r.RunId, DateTimeOffset.FromUnixTimeMilliseconds(r.At), Enum.Parse<DreamLineKind>(r.Kind), r.RuleId, r.Rule, r.Evidence))];
    }

    public async Task<DateTimeOffset?> LatestDreamAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var at = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(at) FROM dream_journal", cancellationToken: cancellationToken));
        return at is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    private static string Describe(RuleMatch match, string key, string category) =>
        new LearnedRule(0, "", match, key, category, LearnedRuleStatus.Proposed, "", 0, default, null, null).Describe();

    private static async Task<IReadOnlyList<LearnedRule>> QueryRulesAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string where, object args, CancellationToken cancellationToken)
    {
        // Hits and corrections come from the decisions recorded with the rule's source (the partial index holds just those).
        var rows = await connection.QueryAsync<RuleRow>(new CommandDefinition($"""
            WITH hits AS (
                SELECT source, COUNT(*) AS hits, SUM(corrected_to IS NOT NULL) AS corrected FROM mail_triage WHERE source LIKE 'rule:learned:%' GROUP BY source)
            SELECT r.id AS Id, r.account AS Account, r.match AS Match, r.key AS Key, r.category AS Category, r.status AS Status, r.evidence AS Evidence,
                r.decisions AS Decisions, r.proposed_at AS ProposedAt, r.decided_at AS DecidedAt, r.retired_why AS RetiredWhy,
                COALESCE(h.hits, 0) AS Hits, COALESCE(h.corrected, 0) AS Corrected
            FROM learned_rules r LEFT JOIN hits h ON h.source = 'rule:learned:' || r.id
            {where} ORDER BY r.id DESC
            """, args, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new LearnedRule(r.Id, r.Account, Enum.Parse<RuleMatch>(r.Match), r.Key, r.Category, Enum.Parse<LearnedRuleStatus>(r.Status), r.Evidence,
            (int)r.Decisions, DateTimeOffset.FromUnixTimeMilliseconds(r.ProposedAt), r.DecidedAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null,
            r.RetiredWhy, r.Hits, r.Corrected))];
    }

    // Settable properties, not constructors: Dapper matches a constructor by the column types SQLite reports, and expression columns have none.
    private sealed class HabitRow
    {
        public string Account { get; set; } = "";
        public string Match { get; set; } = "";
        public string Key { get; set; } = "";
        public long Decisions { get; set; }
        public long Categories { get; set; }
        public string Category { get; set; } = "";
        public long Corrected { get; set; }
        public long Poisoned { get; set; }
        public long Reverted { get; set; }
        public long ByLearnedRule { get; set; }
        public long First { get; set; }
        public long Last { get; set; }
    }

    private sealed class RuleRow
    {
        public long Id { get; set; }
        public string Account { get; set; } = "";
        public string Match { get; set; } = "";
        public string Key { get; set; } = "";
        public string Category { get; set; } = "";
        public string Status { get; set; } = "";
        public string Evidence { get; set; } = "";
        public long Decisions { get; set; }
        public long ProposedAt { get; set; }
        public long? DecidedAt { get; set; }
        public string? RetiredWhy { get; set; }
        public long Hits { get; set; }
        public long Corrected { get; set; }
    }
}
